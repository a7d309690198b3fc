package io.ringcast.web.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ringcast.broadcast.hls.HlsNames;
import io.ringcast.broadcast.stream.StreamPath;
import io.ringcast.web.hls.HlsRequest;
import io.ringcast.web.httpflv.HttpFlvServlet;
import io.ringcast.web.llhls.LlHlsRequest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for HTTP path parsing: {@link StreamPath#parse}, {@link StreamPath#isValidPart},
 * {@link HlsRequest#parse}, {@link LlHlsRequest#parse} and {@link HttpFlvServlet#streamPathOf}. Any request path
 * is either parsed into a valid stream path (safe in URLs and file names, printing back to what was parsed) or
 * refused with {@link IllegalArgumentException}; nothing else escapes. The input is the servlet path, a newline,
 * and the path info (no newline: path info only, servlet path null). Seeds: typical and hostile request paths
 * ({@code HttpPathFuzzTestInputs/parsesOrRejects/}).
 */
class HttpPathFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parsesOrRejects(byte[] input) {
        fuzzerTestOneInput(input);
    }

    /** Entry point of Jazzer's command-line driver (BoundedFuzzer). */
    public static void fuzzerTestOneInput(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String servletPath = newline < 0 ? null : text.substring(0, newline);
        String pathInfo = newline < 0 ? text : text.substring(newline + 1);
        String full = (servletPath == null ? "" : servletPath) + pathInfo;

        StreamPath direct = parseOrNull(text);
        if (direct != null) {
            checkValid(direct);
            check(direct.toString().equals(text), "a parsed path prints back as given");
        }
        try {
            HlsRequest request = HlsRequest.parse(servletPath, pathInfo);
            checkValid(request.path());
            if (request.isPlaylist()) {
                check(full.equals("/" + request.path() + HlsNames.PLAYLIST_SUFFIX), "playlist path round trip");
            } else {
                check(request.sequence() >= 0, "segment sequence is not negative");
                check(full.startsWith("/" + request.path() + "/") && full.endsWith(HlsNames.SEGMENT_SUFFIX),
                        "segment path round trip");
            }
        } catch (IllegalArgumentException expected) {
            check(expected.getMessage() != null, "the refusal says why");
        }
        try {
            LlHlsRequest ll = LlHlsRequest.parse(pathInfo);
            checkValid(ll.path());
            check(ll.sequence() >= -1 && ll.part() >= -1, "LL-HLS numbers are not negative");
            check(pathInfo.startsWith("/" + ll.path()), "LL-HLS path round trip");
        } catch (IllegalArgumentException expected) {
            check(expected.getMessage() != null, "the refusal says why");
        }
        try {
            StreamPath flv = HttpFlvServlet.streamPathOf(servletPath, pathInfo);
            checkValid(flv);
            check(full.equals("/" + flv + ".flv"), "flv path round trip");
        } catch (IllegalArgumentException expected) {
            check(expected.getMessage() != null, "the refusal says why");
        }
    }

    private static StreamPath parseOrNull(String text) {
        try {
            return StreamPath.parse(text);
        } catch (IllegalArgumentException expected) {
            check(expected.getMessage() != null, "the refusal says why");
            return null;
        }
    }

    private static void checkValid(StreamPath path) {
        for (String part : new String[] {path.app(), path.name()}) {
            check(StreamPath.isValidPart(part), "parts are valid");
            check(!part.isEmpty() && part.length() <= StreamPath.MAX_PART_LENGTH, "part length");
            check(!part.equals(".") && !part.equals(".."), "no . or .. parts");
            check(part.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '.'
                    || c == '-')), "URL- and file-name-safe characters only");
        }
    }

    private static void check(boolean condition, String invariant) {
        if (!condition) {
            throw new AssertionError(invariant);
        }
    }
}
