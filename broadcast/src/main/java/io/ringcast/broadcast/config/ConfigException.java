package io.ringcast.broadcast.config;

/** A configuration file that cannot be used; the message names the file, line, section and key. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
