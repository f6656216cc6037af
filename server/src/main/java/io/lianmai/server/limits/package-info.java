/** Admission: who may start a session now, given what this node, app, user and address already hold. */
package io.lianmai.server.limits;
