package io.ringcast.web.war;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Apache Tomcat from its distribution: {@code catalina.home} is the unpacked tarball, {@code catalina.base} a fresh
 * directory with the distribution's {@code conf/} and a generated {@code server.xml}: one HTTP connector on
 * 127.0.0.1, no shutdown port, auto-deployment from {@code webapps/} checked every second, and the leak prevention
 * listeners of the stock configuration. Started like {@code catalina.sh run} does, without the scripts.
 */
final class TomcatProcess extends ContainerProcess {
    /** The module openings catalina.sh adds, so that Tomcat's leak detection can look into JDK internals. */
    private static final List<String> ADD_OPENS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED");

    TomcatProcess(Path home, Path base) throws IOException {
        super(home, base);
        for (String dir : List.of("conf", "webapps", "logs", "temp", "work")) {
            Files.createDirectories(base.resolve(dir));
        }
        try (Stream<Path> conf = Files.list(home.resolve("conf"))) {
            for (Path f : conf.filter(Files::isRegularFile).toList()) {
                Files.copy(f, base.resolve("conf").resolve(f.getFileName()));
            }
        }
        Files.writeString(base.resolve("conf/server.xml"), serverXml(httpPort));
    }

    private static String serverXml(int port) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <Server port="-1" shutdown="SHUTDOWN">
                  <Listener className="org.apache.catalina.startup.VersionLoggerListener"/>
                  <Listener className="org.apache.catalina.core.JreMemoryLeakPreventionListener"/>
                  <Listener className="org.apache.catalina.core.ThreadLocalLeakPreventionListener"/>
                  <Service name="Catalina">
                    <Connector address="127.0.0.1" port="%d" protocol="HTTP/1.1" connectionTimeout="20000"/>
                    <Engine name="Catalina" defaultHost="localhost" backgroundProcessorDelay="1">
                      <Host name="localhost" appBase="webapps" unpackWARs="true" autoDeploy="true"/>
                    </Engine>
                  </Service>
                </Server>
                """.formatted(port);
    }

    @Override
    String name() {
        return "Tomcat " + homeVersion("apache-tomcat-");
    }

    @Override
    protected List<String> command(List<String> systemProperties) {
        List<String> command = javaCommand();
        command.addAll(ADD_OPENS);
        command.addAll(List.of(
                "-Dcatalina.home=" + home,
                "-Dcatalina.base=" + base,
                "-Djava.io.tmpdir=" + base.resolve("temp"),
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties")));
        command.addAll(systemProperties);
        command.addAll(List.of("-cp", home.resolve("bin/bootstrap.jar") + File.pathSeparator
                + home.resolve("bin/tomcat-juli.jar"), "org.apache.catalina.startup.Bootstrap", "start"));
        return command;
    }
}
