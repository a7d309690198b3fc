package io.ringcast.broadcast.testing;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real nginx with the nginx-rtmp module, run as a child process of the test (one process: {@code daemon off;
 * master_process off;}) with a generated configuration in a temporary folder, as an origin, edge or push target in
 * relay interop tests; driven by the test thread.
 *
 * <pre>{@code
 * NginxRtmp origin = cleanup.add(NginxRtmp.builder().application("live").start());
 * String url = origin.rtmpUrl("live", "x");          // rtmp://127.0.0.1:PORT/live/x
 * NginxRtmp.Stat stat = origin.stat();                // GET /stat, parsed
 * }</pre>
 *
 * <p>Everything nginx writes (error log, pid, access log, HTTP temp folders) stays in that folder; both ports are
 * free ephemeral ports picked before start (and picked again once if nginx could not bind them). {@link #close()}
 * kills the process and deletes the folder; {@link #kill9()} and {@link #restart()} serve failover tests. A machine
 * without nginx or its RTMP module fails the test with the packages to install.
 */
public final class NginxRtmp implements AutoCloseable {
    public static final String NGINX = "/usr/sbin/nginx";
    public static final String RTMP_MODULE = "/usr/lib/nginx/modules/ngx_rtmp_module.so";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final long STOP_TIMEOUT_MS = 5_000;
    private static final int HTTP_TIMEOUT_MS = 5_000;
    private static final int MAX_STAT_BYTES = 4 << 20;

    private final String address;
    private final Map<String, String> applications;
    private final Path folder;
    private int rtmpPort;
    private int httpPort;
    private Process process;

    private NginxRtmp(Builder builder) {
        this.address = builder.address;
        this.applications = new LinkedHashMap<>(builder.applications);
        this.folder = TempFolders.create("ringcast-nginx");
    }

    /** A builder: bind address 127.0.0.1, no application until one is added. */
    public static Builder builder() {
        return new Builder();
    }

    /** Fails (not skips) the calling test when nginx or the RTMP module is missing: .ci/run installs both. */
    public static void requireInstalled() {
        if (!new File(NGINX).canExecute() || !new File(RTMP_MODULE).canRead()) {
            throw new AssertionError("nginx with the RTMP module is not installed (" + NGINX + ", " + RTMP_MODULE
                    + "): apt-get install nginx libnginx-mod-rtmp");
        }
    }

    /** The address both listeners are bound to, e.g. "127.0.0.1". */
    public String address() {
        return address;
    }

    public int rtmpPort() {
        return rtmpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    /** {@code rtmp://ADDRESS:PORT/app/stream}. */
    public String rtmpUrl(String app, String stream) {
        return "rtmp://" + address + ":" + rtmpPort + "/" + app + "/" + stream;
    }

    /** {@code rtmp://ADDRESS:PORT/app}, as a push or pull directive of another nginx names it. */
    public String rtmpUrl(String app) {
        return "rtmp://" + address + ":" + rtmpPort + "/" + app;
    }

    /** The generated nginx.conf, for failure messages. */
    public String config() {
        return read(folder.resolve("nginx.conf"));
    }

    /** nginx's error log (level info), for failure messages. */
    public String errorLog() {
        return read(folder.resolve("error.log"));
    }

    /** True while the nginx process runs. */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The nginx process's id, or -1 when it is not running. */
    public long pid() {
        return isAlive() ? process.pid() : -1;
    }

    private NginxRtmp startFirst() {
        requireInstalled();
        try {
            rtmpPort = freePort(address);
            httpPort = freePort(address);
            if (!launch()) {
                rtmpPort = freePort(address);
                httpPort = freePort(address);
                if (!launch()) {
                    throw new AssertionError("nginx did not start on " + address + ":" + rtmpPort + "\n"
                            + errorLog() + "\n" + config());
                }
            }
            return this;
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Kills the process with SIGKILL (no clean shutdown, peers see the connection drop) and waits for its end. */
    public void kill9() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        waitForExit(process);
    }

    /** Stops a running nginx (gracefully first) and starts it again with the same configuration and ports. */
    public void restart() {
        stop();
        if (!launch()) {
            throw new AssertionError("nginx did not restart on " + address + ":" + rtmpPort + "\n" + errorLog());
        }
    }

    /** The parsed {@code /stat} page: every application, its streams and their clients. */
    public Stat stat() {
        return Stat.parse(statXml());
    }

    /**
     * For polls: the entry of {@code app/name} in {@code /stat}, or null when it has none or {@code /stat} did not
     * answer this time (a fetch while ffmpeg's stream starts was once reset, failing a test that only waited).
     */
    public StreamStat streamOrNull(String app, String name) {
        try {
            return stat().stream(app, name);
        } catch (UncheckedIOException notAnswered) {
            return null;
        }
    }

    /** The raw {@code /stat} XML. */
    public String statXml() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, httpPort), HTTP_TIMEOUT_MS);
            socket.setSoTimeout(HTTP_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /stat HTTP/1.0\r\nHost: " + address + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] response = socket.getInputStream().readNBytes(MAX_STAT_BYTES);
            String text = new String(response, StandardCharsets.UTF_8);
            int body = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.1 200") || body < 0) {
                throw new AssertionError("nginx /stat answered: " + text);
            }
            return text.substring(body + 4);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch http://" + address + ":" + httpPort + "/stat", e);
        }
    }

    /** Kills nginx (SIGTERM, then SIGKILL after 5 s), waits for it, and deletes the folder; may be called again. */
    @Override
    public void close() {
        stop();
        TempFolders.delete(folder);
    }

    private void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        waitForExit(process);
    }

    private static void waitForExit(Process p) {
        try {
            if (!p.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("nginx (pid " + p.pid() + ") did not exit after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes the config, starts nginx and waits for its RTMP port; false when nginx exited (a port was taken). */
    private boolean launch() {
        try {
            Files.writeString(folder.resolve("nginx.conf"), configText());
            Files.deleteIfExists(folder.resolve("nginx.pid"));
            process = new ProcessBuilder(NGINX, "-p", folder + "/", "-c", folder.resolve("nginx.conf").toString(),
                    "-e", folder.resolve("error.log").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(folder.resolve("stdout.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + NGINX, e);
        }
        Process started = process;
        Await.until("nginx RTMP port " + address + ":" + rtmpPort + " accepting or nginx exited", START_TIMEOUT,
                () -> !started.isAlive() || accepts(address, rtmpPort), this::errorLog);
        if (!started.isAlive()) {
            return false;
        }
        Await.until("nginx HTTP port " + address + ":" + httpPort + " accepting", START_TIMEOUT,
                () -> !started.isAlive() || accepts(address, httpPort), this::errorLog);
        return started.isAlive();
    }

    private String configText() {
        String dir = folder.toString();
        StringBuilder apps = new StringBuilder();
        for (Map.Entry<String, String> app : applications.entrySet()) {
            apps.append("        application ").append(app.getKey()).append(" {\n")
                    .append("            live on;\n");
            if (!app.getValue().isBlank()) {
                apps.append("            ").append(app.getValue().strip()).append('\n');
            }
            apps.append("        }\n");
        }
        return "load_module " + RTMP_MODULE + ";\n"
                + "daemon off;\n"
                + "master_process off;\n"
                + "error_log " + dir + "/error.log info;\n"
                + "pid " + dir + "/nginx.pid;\n"
                + "events {}\n"
                + "rtmp {\n"
                + "    server {\n"
                + "        listen " + address + ":" + rtmpPort + ";\n"
                + "        chunk_size 4096;\n"
                + apps
                + "    }\n"
                + "}\n"
                + "http {\n"
                + "    access_log " + dir + "/access.log;\n"
                + "    client_body_temp_path " + dir + "/client_body;\n"
                + "    proxy_temp_path " + dir + "/proxy;\n"
                + "    fastcgi_temp_path " + dir + "/fastcgi;\n"
                + "    uwsgi_temp_path " + dir + "/uwsgi;\n"
                + "    scgi_temp_path " + dir + "/scgi;\n"
                + "    server {\n"
                + "        listen " + address + ":" + httpPort + ";\n"
                + "        location /stat { rtmp_stat all; }\n"
                + "    }\n"
                + "}\n";
    }

    private static int freePort(String address) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + address, e);
        }
    }

    private static boolean accepts(String address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(no " + file.getFileName() + ")";
        } catch (IOException e) {
            return "(" + file.getFileName() + " unreadable: " + e.getMessage() + ")";
        }
    }

    /** Builds an {@link NginxRtmp}; test thread. */
    public static final class Builder {
        private final Map<String, String> applications = new LinkedHashMap<>();
        private String address = TestConfig.LOOPBACK;

        private Builder() {
        }

        /** Binds both listeners to {@code loopbackAddress} (127.0.0.1 by default; 127.0.0.2.. for more "hosts"). */
        public Builder address(String loopbackAddress) {
            if (!loopbackAddress.startsWith("127.")) {
                throw new IllegalArgumentException("tests bind loopback addresses only, not " + loopbackAddress);
            }
            this.address = loopbackAddress;
            return this;
        }

        /** Adds {@code application NAME { live on; }}. */
        public Builder application(String name) {
            return application(name, "");
        }

        /**
         * Adds {@code application NAME { live on; DIRECTIVES }}, e.g. {@code "push rtmp://127.0.0.1:1935/live;"},
         * {@code "pull rtmp://127.0.0.1:1935/live; idle_streams off;"}.
         */
        public Builder application(String name, String directives) {
            if (!name.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalArgumentException("bad application name: " + name);
            }
            applications.put(name, directives);
            return this;
        }

        /** Starts nginx and waits until its RTMP and HTTP ports accept connections. */
        public NginxRtmp start() {
            if (applications.isEmpty()) {
                throw new IllegalStateException("nginx-rtmp needs at least one application");
            }
            return new NginxRtmp(this).startFirst();
        }
    }

    /**
     * One client of a stream as {@code /stat} lists it.
     *
     * @param id         nginx's connection id
     * @param address    the peer's address (for a relay: the URL nginx pushes to or pulls from, with "ngx-relay")
     * @param publishing true for the publisher (or the pull relay feeding the stream)
     */
    public record Client(long id, String address, boolean publishing) {
    }

    /**
     * One stream of an application.
     *
     * @param nclients  clients of the stream, the publisher included
     * @param bytesIn   bytes received for this stream
     * @param bytesOut  bytes sent to its players
     */
    public record StreamStat(String name, int nclients, boolean publishing, long bytesIn, long bytesOut,
                             List<Client> clients) {
        /** Clients playing (not publishing) this stream. */
        public long players() {
            return clients.stream().filter(c -> !c.publishing()).count();
        }
    }

    /** One application and its streams. */
    public record AppStat(String name, List<StreamStat> streams) {
        /** The stream named {@code name}, or null. */
        public StreamStat stream(String streamName) {
            return streams.stream().filter(s -> s.name().equals(streamName)).findFirst().orElse(null);
        }
    }

    /**
     * The parsed {@code /stat} page.
     *
     * @param connections RTMP connections server-wide that are in a stream (every client of every stream, a relay
     *                    connection included; a connection still in handshake or connect is not listed by nginx)
     * @param accepted    connections accepted since start (the naccepted element)
     */
    public record Stat(List<AppStat> applications, int connections, long accepted) {
        /** The application named {@code name}, or null. */
        public AppStat application(String name) {
            return applications.stream().filter(a -> a.name().equals(name)).findFirst().orElse(null);
        }

        /** The stream app/name, or null. */
        public StreamStat stream(String app, String streamName) {
            AppStat a = application(app);
            return a == null ? null : a.stream(streamName);
        }

        /** Streams with a publisher, over all applications. */
        public long publishingStreams() {
            return applications.stream().flatMap(a -> a.streams().stream()).filter(StreamStat::publishing).count();
        }

        static Stat parse(String xml) {
            Document doc;
            try {
                DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
                factory.setExpandEntityReferences(false);
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                try (InputStream in = new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))) {
                    doc = factory.newDocumentBuilder().parse(in);
                }
            } catch (ParserConfigurationException | org.xml.sax.SAXException | IOException e) {
                throw new AssertionError("nginx /stat is not XML: " + e.getMessage() + "\n" + xml, e);
            }
            Element root = doc.getDocumentElement();
            List<AppStat> apps = new ArrayList<>();
            int connections = 0;
            for (Element server : children(root, "server")) {
                for (Element app : children(server, "application")) {
                    List<StreamStat> streams = new ArrayList<>();
                    for (Element live : children(app, "live")) {
                        for (Element stream : children(live, "stream")) {
                            StreamStat s = stream(stream);
                            connections += s.clients().size();
                            streams.add(s);
                        }
                    }
                    apps.add(new AppStat(text(app, "name"), List.copyOf(streams)));
                }
            }
            return new Stat(List.copyOf(apps), connections, number(root, "naccepted"));
        }

        private static StreamStat stream(Element stream) {
            List<Client> clients = new ArrayList<>();
            for (Element client : children(stream, "client")) {
                clients.add(new Client(number(client, "id"), text(client, "address"),
                        !children(client, "publishing").isEmpty()));
            }
            return new StreamStat(text(stream, "name"), (int) number(stream, "nclients"),
                    !children(stream, "publishing").isEmpty(), number(stream, "bytes_in"),
                    number(stream, "bytes_out"), List.copyOf(clients));
        }

        private static List<Element> children(Element parent, String tag) {
            List<Element> found = new ArrayList<>();
            NodeList nodes = parent.getChildNodes();
            for (int i = 0; i < nodes.getLength(); i++) {
                Node n = nodes.item(i);
                if (n instanceof Element e && e.getTagName().equals(tag)) {
                    found.add(e);
                }
            }
            return found;
        }

        private static String text(Element parent, String tag) {
            List<Element> found = children(parent, tag);
            return found.isEmpty() ? "" : found.get(0).getTextContent().strip();
        }

        private static long number(Element parent, String tag) {
            String t = text(parent, tag);
            return t.isEmpty() ? 0 : Long.parseLong(t);
        }
    }
}
