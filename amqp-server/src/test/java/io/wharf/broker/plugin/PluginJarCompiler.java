package io.wharf.broker.plugin;

import io.wharf.plugin.WharfPlugin;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Builds plugin jars at test time: compiles Java sources against the plugin API (and the test classes, so a plugin
 * can write to {@link LifecycleLog}) and packs the classes with a {@code META-INF/services} file naming the
 * providers. Compiling for real, rather than copying test classes into a jar, proves the host loads classes the
 * broker's own class loader has never seen.
 */
public final class PluginJarCompiler {

    private final Path workDir;

    /** @param workDir where sources and classes are written; one subfolder per jar */
    public PluginJarCompiler(Path workDir) {
        this.workDir = workDir;
    }

    /**
     * @param pluginsDir where to write the jar
     * @param jarName    its file name
     * @param providers  the class names to list in {@code META-INF/services/io.wharf.plugin.WharfPlugin}
     * @param sources    Java sources by fully qualified class name; may be empty (to name a missing provider)
     */
    public Path write(Path pluginsDir, String jarName, List<String> providers, Map<String, String> sources)
            throws IOException {
        Path build = Files.createDirectories(workDir.resolve(jarName + "-build"));
        Path classes = Files.createDirectories(build.resolve("classes"));
        if (!sources.isEmpty()) {
            compile(build.resolve("src"), classes, sources);
        }
        Files.createDirectories(pluginsDir);
        Path jar = pluginsDir.resolve(jarName);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(PluginDiscovery.SERVICE_FILE));
            out.write((String.join("\n", providers) + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            List<Path> classFiles;
            try (Stream<Path> files = Files.walk(classes)) {
                classFiles = files.filter(Files::isRegularFile).toList();
            }
            for (Path classFile : classFiles) {
                out.putNextEntry(new JarEntry(classes.relativize(classFile).toString().replace('\\', '/')));
                Files.copy(classFile, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    private static void compile(Path sourceDir, Path classes, Map<String, String> sources) throws IOException {
        List<String> arguments = new ArrayList<>(List.of(
                "--release", "17",
                "-classpath", location(WharfPlugin.class) + java.io.File.pathSeparator + location(LifecycleLog.class),
                "-d", classes.toString()));
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = sourceDir.resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            arguments.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("Tests need a JDK: no system Java compiler in " + System.getProperty("java.home"));
        }
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int status = javac.run(null, OutputStream.nullOutputStream(), diagnostics, arguments.toArray(String[]::new));
        if (status != 0) {
            throw new IllegalStateException("Compiling test plugin failed:\n" + diagnostics.toString(StandardCharsets.UTF_8));
        }
    }

    private static Path location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
