package io.lianmai.server.cli;

/** A command could not do what was asked; the message is printed as is and the process exits 1. */
final class CommandFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Exit status of a command that ran but failed (usage errors exit 2). */
    static final int EXIT_CODE = 1;

    CommandFailure(String message) {
        super(message);
    }
}
