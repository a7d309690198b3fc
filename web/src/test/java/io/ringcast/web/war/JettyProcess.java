package io.ringcast.web.war;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Eclipse Jetty 12 from {@code jetty-home}: a fresh {@code jetty.base} with the modules {@code http} and
 * {@code ee10-deploy} (Jakarta EE 10 web applications hot-deployed from {@code webapps/}), HTTP on 127.0.0.1.
 * Jetty runs in the JVM that runs {@code start.jar}, so system properties given to it reach the web application.
 */
final class JettyProcess extends ContainerProcess {
    private static final long ADD_MODULES_TIMEOUT_S = 60;

    JettyProcess(Path home, Path base) throws IOException, InterruptedException {
        super(home, base);
        Process p = new ProcessBuilder(java(), "-jar", home.resolve("start.jar").toString(), "jetty.home=" + home,
                "jetty.base=" + base, "--add-modules=http,ee10-deploy")
                .directory(base.toFile()).redirectErrorStream(true)
                .redirectOutput(base.resolve("add-modules.log").toFile()).start();
        if (!p.waitFor(ADD_MODULES_TIMEOUT_S, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("jetty --add-modules failed: "
                    + Files.readString(base.resolve("add-modules.log")));
        }
        Files.createDirectories(webapps());
    }

    @Override
    String name() {
        return "Jetty " + homeVersion("jetty-home-");
    }

    @Override
    protected List<String> command(List<String> systemProperties) {
        List<String> command = javaCommand();
        command.addAll(systemProperties);
        command.addAll(List.of("-jar", home.resolve("start.jar").toString(), "jetty.home=" + home,
                "jetty.base=" + base, "jetty.http.host=127.0.0.1", "jetty.http.port=" + httpPort,
                "jetty.deploy.scanInterval=1"));
        return command;
    }
}
