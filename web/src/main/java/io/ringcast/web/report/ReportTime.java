package io.ringcast.web.report;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A time of a report's range as the command line and the {@code /ops/latency} page take it: {@code now}, a time
 * before now ({@code -90s}, {@code -30m}, {@code -1h}, {@code -2d}), or ISO-8601: an instant
 * ({@code 2024-03-01T12:00:00Z}), a date-time with offset, or a date-time or date without one, taken as UTC. Pure;
 * any thread.
 */
public final class ReportTime {
    private static final Pattern RELATIVE = Pattern.compile("-(\\d{1,6})([smhd])");

    private ReportTime() {
    }

    /**
     * Epoch ms of {@code text}, relative times counted back from {@code nowMs}.
     *
     * @throws IllegalArgumentException naming the text when it is none of the forms
     */
    public static long parse(String text, long nowMs) {
        String v = text.trim();
        if (v.equals("now")) {
            return nowMs;
        }
        Matcher relative = RELATIVE.matcher(v);
        if (relative.matches()) {
            long amount = Long.parseLong(relative.group(1));
            long unitMs = switch (relative.group(2)) {
                case "s" -> 1_000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                default -> 86_400_000L;
            };
            return nowMs - amount * unitMs;
        }
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(v).toInstant().toEpochMilli();
            } catch (DateTimeParseException notOffset) {
                try {
                    return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC).toEpochMilli();
                } catch (DateTimeParseException notLocal) {
                    try {
                        return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
                    } catch (DateTimeParseException e) {
                        throw new IllegalArgumentException("not a time (ISO-8601, now, or -N followed by s, m, h"
                                + " or d): " + text);
                    }
                }
            }
        }
    }
}
