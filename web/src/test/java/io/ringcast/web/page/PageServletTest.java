package io.ringcast.web.page;

import io.ringcast.broadcast.testing.TestConfig;
import io.ringcast.web.RingcastServer;
import io.ringcast.web.testing.Http;
import io.ringcast.web.testing.SyntheticStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.util.Locale;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pages over real HTTP on loopback, with a synthetic stream published straight into the engine. */
@Timeout(30)
class PageServletTest {
    private static final String CONFIG = """
            [rtmp]
            enable = false
            """;

    private RingcastServer server;
    private SyntheticStream stream;

    @BeforeEach
    void start() {
        server = RingcastServer.start(TestConfig.loopback().toml(CONFIG).configFile(), OptionalInt.empty());
    }

    @AfterEach
    void stop() {
        if (stream != null) {
            stream.close();
        }
        server.close();
    }

    private record Answer(int status, String contentType, String body, HttpURLConnection connection) {
    }

    private Answer get(String path) throws IOException {
        HttpURLConnection c = Http.open(server.httpPort(), "GET", path);
        String body = Http.body(c);
        return new Answer(c.getResponseCode(), c.getContentType(), body, c);
    }

    private static void assertHtml(Answer a) {
        assertEquals("text/html;charset=utf-8", a.contentType().replace(" ", "").toLowerCase(Locale.ROOT));
        assertTrue(a.connection().getHeaderField("Content-Security-Policy").startsWith("default-src 'self'"));
    }

    @Test
    void shouldListLiveStreamsAtTheContextRootWithRelativeLinks() throws IOException {
        stream = new SyntheticStream(server.engine(), "live/cam-1");

        Answer index = get("/");

        assertEquals(200, index.status());
        assertHtml(index);
        assertTrue(index.body().contains("<a href=\"play/live/cam-1\">live/cam-1</a>"), index.body());
        assertTrue(index.body().contains("href=\"live/cam-1.flv\""), index.body());
        assertTrue(index.body().contains("href=\"live/cam-1.m3u8\""), index.body());
        assertTrue(index.body().contains("href=\"play/live/cam-1?mode=hls\""), index.body());
        assertTrue(index.body().contains("h264 640\u00d7360"), index.body());
        assertTrue(index.body().contains("aac 44100 Hz, 2 ch"), index.body());
        assertTrue(index.body().contains("test from 127.0.0.1:1935"), index.body());
        assertTrue(index.body().contains("<p class=\"empty\" hidden>"), "no 'no streams' notice with a stream");
        assertFalse(index.body().contains("href=\"/"), "every link is relative: " + index.body());
    }

    @Test
    void shouldSayThatThereAreNoStreamsWhenNoneIsLive() throws IOException {
        Answer index = get("/");

        assertEquals(200, index.status());
        assertTrue(index.body().contains("0 streams"), index.body());
        assertTrue(index.body().contains("<p class=\"empty\" >No streams yet."), index.body());
    }

    @Test
    void shouldRenderTheFlvPlayerWithUrlsRelativeToThePage() throws IOException {
        stream = new SyntheticStream(server.engine(), "live/x");

        Answer page = get("/play/live/x");

        assertEquals(200, page.status());
        assertHtml(page);
        String body = page.body();
        assertTrue(body.contains("data-mode=\"flv\" data-flv-url=\"../../live/x.flv\" "
                + "data-hls-url=\"../../live/x.m3u8\""), body);
        assertTrue(body.contains("<script src=\"../../" + PlayerLibraries.packaged().mpegtsScript() + "\">"), body);
        assertFalse(body.contains("hls.min.js"), "flv mode loads only mpegts.js");
        assertTrue(body.contains("<script src=\"../../assets/player.js\">"), body);
        assertTrue(body.contains("<video id=\"video\" muted autoplay playsinline controls"), body);
        assertTrue(body.contains("<p class=\"notice\" hidden>"), "a live stream gets no 'not live' notice");
        assertTrue(body.contains("class=\"state state-publishing\">live<"), body);
        assertFalse(body.contains("=\"/"), "no absolute URLs: " + body);
    }

    @Test
    void shouldLoadHlsJsForHlsModeAndNoLibraryForNativeMode() throws IOException {
        Answer hls = get("/play/live/x?mode=hls");
        Answer nativeHls = get("/play/live/x?mode=native");

        assertEquals(200, hls.status());
        assertTrue(hls.body().contains("data-mode=\"hls\""), hls.body());
        assertTrue(hls.body().contains("<script src=\"../../" + PlayerLibraries.packaged().hlsjsScript() + "\">"));
        assertFalse(hls.body().contains("mpegts.js\">"), "hls mode loads only hls.js");
        assertTrue(hls.body().contains("<a href=\"?mode=hls\" class=\"current\""), hls.body());
        assertEquals(200, nativeHls.status());
        assertTrue(nativeHls.body().contains("data-mode=\"native\""), nativeHls.body());
        assertFalse(nativeHls.body().contains("/webjars/"), nativeHls.body());
    }

    @Test
    void shouldRenderThePlayerForAStreamThatIsNotLiveYetAndSaySo() throws IOException {
        Answer page = get("/play/live/later");

        assertEquals(200, page.status());
        assertTrue(page.body().contains("This stream is not live yet."), page.body());
        assertTrue(page.body().contains("class=\"state state-absent\">not live<"), page.body());
    }

    @Test
    void shouldAnswer400ForAnInvalidStreamNameOrMode() throws IOException {
        Answer badName = get("/play/live/a%3Cb%3E");
        Answer dotDot = get("/play/live/..x/");
        Answer badMode = get("/play/live/x?mode=%3Cscript%3E");

        assertEquals(400, badName.status());
        assertHtml(badName);
        assertTrue(badName.body().contains("&quot;a&lt;b&gt;&quot;"), "the name is escaped: " + badName.body());
        assertFalse(badName.body().contains("<b>"), badName.body());
        assertEquals(404, dotDot.status(), "three parts is not a player path");
        assertEquals(400, badMode.status());
        assertTrue(badMode.body().contains("mode must be flv, hls or native"), badMode.body());
        assertEquals(400, get("/play/li%20ve/x").status());
    }

    @Test
    void shouldAnswer404ForPathsThatAreNoPage() throws IOException {
        for (String path : new String[] {"/play", "/play/", "/play/live", "/play/live/", "/play//x", "/play/a/b/c",
            "/nope", "/index.html", "/live/x"}) {
            assertEquals(404, get(path).status(), path);
        }
    }

    @Test
    void shouldServeThePlayerLibrariesAndPageAssetsFromTheJar() throws IOException {
        PlayerLibraries libs = PlayerLibraries.packaged();
        for (String path : new String[] {libs.mpegtsScript(), libs.hlsjsScript(), "assets/player.js"}) {
            Answer script = get("/" + path);
            assertEquals(200, script.status(), path);
            assertTrue(script.contentType().contains("javascript"), path + ": " + script.contentType());
            assertTrue(script.body().length() > 1000, path);
        }
        Answer css = get("/assets/ringcast.css");
        assertEquals(200, css.status());
        assertTrue(css.contentType().startsWith("text/css"), css.contentType());
        assertEquals(404, get("/io/ringcast/web/page/player.html").status(), "templates are not static files");
        assertEquals(404, get("/webjars/../io/ringcast/web/page/player.html").status());
    }

    @Test
    void shouldLetBrowsersCacheStaticFilesAndRevalidateThemWithTheirETag() throws IOException {
        String library = "/" + PlayerLibraries.packaged().hlsjsScript();
        Answer first = get(library);
        String etag = first.connection().getHeaderField("ETag");
        assertEquals(200, first.status());
        assertEquals(StaticResourceServlet.IMMUTABLE, first.connection().getHeaderField("Cache-Control"),
                "versioned library paths never change");
        assertTrue(etag != null && etag.startsWith("\""), etag);
        try (java.io.InputStream jar = getClass().getClassLoader().getResourceAsStream("META-INF/resources"
                + library)) {
            assertEquals(jar.readAllBytes().length, first.connection().getContentLengthLong(), "the jar's file");
        }

        HttpURLConnection again = Http.open(server.httpPort(), "GET", library);
        again.setRequestProperty("If-None-Match", etag);
        assertEquals(304, again.getResponseCode());

        Answer asset = get("/assets/player.js");
        assertEquals("no-cache", asset.connection().getHeaderField("Cache-Control"), "page assets revalidate");
        HttpURLConnection head = Http.open(server.httpPort(), "HEAD", "/assets/ringcast.css");
        assertEquals(200, head.getResponseCode());
        assertTrue(head.getContentLengthLong() > 100, "HEAD names the length: " + head.getContentLengthLong());
    }

    @Test
    void shouldNeverListADirectoryOrServeAMissingFile() throws IOException {
        for (String path : new String[] {"/webjars/hls.js", "/webjars/hls.js/", "/webjars/", "/assets/",
            "/assets/nope.js", "/webjars/hls.js/" + PlayerLibraries.packaged().hlsjsVersion() + "/dist",
            "/assets/..%2Fio/ringcast/web/page/player.html", "/assets/%2e%2e/META-INF/MANIFEST.MF"}) {
            assertEquals(404, get(path).status(), path);
        }
    }

    @Test
    void shouldKeepHttpFlvAndTheStatsApiAnsweringBesideThePages() throws IOException {
        stream = new SyntheticStream(server.engine(), "live/x");

        HttpURLConnection flv = Http.open(server.httpPort(), "HEAD", "/live/x.flv");
        assertEquals(200, flv.getResponseCode());
        assertEquals("video/x-flv", flv.getContentType());
        Answer api = get("/api/streams");
        assertEquals(200, api.status());
        assertTrue(api.body().contains("\"path\":\"live/x\""), api.body());
        assertEquals(404, get("/api/nothing").status());
        assertTrue(get("/api/nothing").contentType().startsWith("application/json"));
    }
}
