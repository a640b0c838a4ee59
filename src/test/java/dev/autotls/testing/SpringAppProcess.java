package dev.autotls.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A Spring Boot application of the test sources as its own process, on the test classpath, logging to a file. */
public final class SpringAppProcess extends LoggedProcess {
    private SpringAppProcess(Process process, Path log) {
        super(process, log, "the Spring Boot application");
    }

    /** Starts {@code mainClass} with each property as a {@code --key=value} argument (Spring's highest source). */
    public static SpringAppProcess start(Class<?> mainClass, Map<String, String> properties, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        // failsafe's own forked JVM may see only its booter jar; the property holds the real test classpath
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        command.add(mainClass.getName());
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new SpringAppProcess(process, log);
    }
}
