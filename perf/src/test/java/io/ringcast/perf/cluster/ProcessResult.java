package io.ringcast.perf.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A short command run to its end with its output (stdout and stderr together) and exit code, for assertions. */
record ProcessResult(int exitCode, String output) {
    /** Runs {@code command}, killing it after {@code timeoutS}; exit -1 when it could not run or was killed. */
    static ProcessResult run(List<String> command, long timeoutS) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            java.util.concurrent.CompletableFuture<byte[]> output = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> {
                        try {
                            return process.getInputStream().readAllBytes();
                        } catch (IOException e) {
                            return e.toString().getBytes(StandardCharsets.UTF_8);
                        }
                    });
            if (!process.waitFor(timeoutS, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return new ProcessResult(-1, "killed after " + timeoutS + " s: " + command);
            }
            return new ProcessResult(process.exitValue(), new String(output.join(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new ProcessResult(-1, "cannot run " + command + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ProcessResult(-1, "interrupted");
        }
    }
}
