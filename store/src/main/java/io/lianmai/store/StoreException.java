package io.lianmai.store;

/** The app store could not do what was asked; the message names the database (never its password) and why. */
public final class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
