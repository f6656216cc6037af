/** The operator console at {@code /console}: a static page that signs server API calls in the browser. */
package io.lianmai.server.console;
