package io.ringcast.ops.report;

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
 * ({@code 2024-03-01T12:00:00Z}), a date-time with offset, or a date-time or date without one, taken as UTC; years
 * 0000 to 9999 (java.time parses years up to a billion, whose epoch milliseconds overflow a long). Pure; any
 * thread.
 */
public final class ReportTime {
    /** The earliest time a report range may name: ISO-8601's four-digit years, so every such time has epoch ms. */
    public static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
    /** The latest time a report range may name. */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");
    private static final Pattern RELATIVE = Pattern.compile("-(\\d{1,6})([smhd])");

    private ReportTime() {
    }

    /**
     * Epoch ms of {@code text}, relative times counted back from {@code nowMs}.
     *
     * @throws IllegalArgumentException naming the text when it is none of the forms, or when it lies outside
     *                                  {@link #EARLIEST} .. {@link #LATEST} ("out of range")
     */
    public static long parse(String text, long nowMs) {
        String v = text.trim();
        if (v.equals("now")) {
            return nowMs;
        }
        Matcher relative = RELATIVE.matcher(v);
        Instant time;
        if (relative.matches()) {
            long amount = Long.parseLong(relative.group(1));
            long unitMs = switch (relative.group(2)) {
                case "s" -> 1_000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                default -> 86_400_000L;
            };
            // At most 999,999 days: no overflow, and within range for any now the clock gives.
            time = Instant.ofEpochMilli(nowMs - amount * unitMs);
        } else {
            time = absolute(v, text);
        }
        if (time.isBefore(EARLIEST) || time.isAfter(LATEST)) {
            throw new IllegalArgumentException("time out of range: " + text + " (from " + EARLIEST + " to "
                    + LATEST + ")");
        }
        return time.toEpochMilli();
    }

    /** An ISO-8601 time in any of the accepted forms, taken as UTC without an offset. */
    private static Instant absolute(String v, String text) {
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException notOffset) {
                try {
                    return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notLocal) {
                    try {
                        return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
                    } catch (DateTimeParseException e) {
                        throw new IllegalArgumentException("not a time (ISO-8601, now, or -N followed by s, m, h"
                                + " or d): " + text);
                    }
                }
            }
        }
    }
}
