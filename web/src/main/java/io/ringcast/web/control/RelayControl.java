package io.ringcast.web.control;

import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.ingest.relay.RelayRefusedException;
import io.ringcast.ingest.relay.Relays;
import io.ringcast.ingest.upstream.UpstreamUrl;

/**
 * livego's relay commands, {@code /control/pull} and {@code /control/push}
 * ({@code ?oper=start|stop&app=A&name=N&url=U}), answered with livego's texts (its {@code protocol/api/api.go}) and
 * correct statuses: any {@code oper} other than "stop" starts; a start answers 200
 * {@code <h1>pull url start URL ok</h1></br>} ({@code push} for pushes), a refusal its
 * {@link RelayRefusedException#status()} with livego's {@code push error=REASON}; a stop 200
 * {@code <h1>pull url stop URL ok</h1></br>} (livego answers its successful stops 400), an unknown session 400
 * {@code session key[pull:A/N] not exist, please check it again.} (livego wraps the push one in {@code <h1>}); a
 * missing parameter 400 {@code control push parameter error, please check them.} for both (livego answers the push
 * one 200). A start needs app, name and url; a stop app and name (livego wants the url too, and only echoes it).
 * URLs are echoed with their credentials masked. Stateless; request threads.
 */
public final class RelayControl {
    /** livego's answer to a missing parameter, for pulls and pushes alike. */
    public static final String PARAMETER_ERROR = "control push parameter error, please check them.";
    static final String UNAVAILABLE = "relays are not available: the relay plugin is disabled";

    /** Which relay command. */
    public enum Direction {
        PULL("pull"), PUSH("push");

        private final String word;

        Direction(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /** An answer: HTTP status (also livego's {@code status}) and livego's {@code data} text. */
    public record Answer(int status, String data) {
    }

    private RelayControl() {
    }

    /**
     * Runs one command against {@code relays} (null when the relay plugin is off: 503).
     *
     * @param oper "stop" stops, anything else (null too) starts
     */
    public static Answer handle(Relays relays, Direction direction, String oper, String app, String name,
                                String url) {
        if (relays == null) {
            return new Answer(503, UNAVAILABLE);
        }
        boolean stop = "stop".equals(oper);
        if (isEmpty(app) || isEmpty(name) || (!stop && isEmpty(url))) {
            return new Answer(400, PARAMETER_ERROR);
        }
        String key = direction.word() + ":" + app + "/" + name;
        if (stop) {
            boolean stopped = direction == Direction.PULL ? relays.stopPull(app, name) : relays.stopPush(app, name);
            if (!stopped) {
                String text = "session key[" + key + "] not exist, please check it again.";
                return new Answer(400, direction == Direction.PULL ? text : "<h1>" + text + "</h1>");
            }
            String shown = isEmpty(url) ? app + "/" + name : UpstreamUrl.maskText(url);
            return new Answer(200, "<h1>" + direction.word() + " url stop " + shown + " ok</h1></br>");
        }
        if (!StreamPath.isValidPart(app) || !StreamPath.isValidPart(name)) {
            return new Answer(400, "push error=invalid app or name: 1-" + StreamPath.MAX_PART_LENGTH
                    + " characters of A-Z a-z 0-9 _ . - and not . or ..");
        }
        try {
            if (direction == Direction.PULL) {
                relays.startPull(app, name, url);
            } else {
                relays.startPush(app, name, url);
            }
        } catch (RelayRefusedException e) {
            return new Answer(e.status(), "push error=" + e.getMessage());
        }
        return new Answer(200, "<h1>" + direction.word() + " url start " + UpstreamUrl.maskText(url)
                + " ok</h1></br>");
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }
}
