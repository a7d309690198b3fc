/**
 * Who may publish and play: open publishing or per-room stream keys ({@code [auth]}), the publish authorizer
 * service protocols ask, and signed, expiring play tokens; no protocol code, only paths, keys and times.
 */
package io.ringcast.broadcast.auth;
