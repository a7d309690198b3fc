package io.ringcast.ingest.relay;

/** Where relay events are logged (one line per change); the plugin logs through SLF4J, tests record. Thread-safe. */
public interface RelayLog {
    void info(String message);

    void warn(String message);

    /** Logs through SLF4J under {@link RelayManager}'s logger. */
    RelayLog SLF4J = new RelayLog() {
        private final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RelayManager.class);

        @Override
        public void info(String message) {
            log.info("{}", message);
        }

        @Override
        public void warn(String message) {
            log.warn("{}", message);
        }
    };
}
