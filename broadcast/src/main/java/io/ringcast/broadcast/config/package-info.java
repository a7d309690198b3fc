/**
 * The TOML configuration file: parsing, typed sections that fail with file, line, section and key, the check that
 * every key was read, and the engine's own sections ({@code [Engine]}, {@code [ring]}, {@code [limits]}).
 */
package io.ringcast.broadcast.config;
