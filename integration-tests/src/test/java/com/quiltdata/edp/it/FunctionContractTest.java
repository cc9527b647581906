package com.quiltdata.edp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Each function in template.yaml agrees with docs/configuration.md and with its module: the handler
 * and jar the document names, a handler class that exists, and exactly the environment variables the
 * function's settings read (every required one provided, each parameter mapped one to one).
 */
class FunctionContractTest {
    private final CloudFormationTemplate template = CloudFormationTemplate.edp();
    private final ConfigurationDoc doc = ConfigurationDoc.load();

    @Test
    void everyDocumentedFunctionIsDeployedWithItsJarAndHandler() {
        Map<String, JsonNode> functions = template.resourcesOfType("AWS::Serverless::Function");
        List<String> problems = new ArrayList<>();
        for (ConfigurationDoc.Handler handler : doc.handlers()) {
            List<String> deployedAs = functions.entrySet().stream()
                    .filter(e -> handler.handler().equals(e.getValue().path("Properties").path("Handler").asText()))
                    .map(Map.Entry::getKey).toList();
            if (deployedAs.size() != 1) {
                problems.add(handler.function() + ": handler " + handler.handler() + " is used by " + deployedAs + ", expected exactly one function");
                continue;
            }
            String codeUri = functions.get(deployedAs.get(0)).path("Properties").path("CodeUri").asText();
            if (!handler.jar().equals(codeUri)) {
                problems.add(deployedAs.get(0) + ": CodeUri " + codeUri + " but docs/configuration.md says " + handler.jar());
            }
            String expectedJar = handler.module() + "/target/" + handler.module() + ".jar";
            if (!handler.jar().equals(expectedJar)) {
                problems.add(handler.function() + ": jar " + handler.jar() + " is not <module>/target/<module>.jar");
            }
        }
        for (Map.Entry<String, JsonNode> function : functions.entrySet()) {
            String handler = function.getValue().path("Properties").path("Handler").asText();
            if (doc.handlers().stream().noneMatch(h -> h.handler().equals(handler))) {
                problems.add(function.getKey() + ": handler " + handler + " is not in docs/configuration.md");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void eachJarIsBuiltByItsModuleUnderThatName() throws IOException {
        for (ConfigurationDoc.Handler handler : doc.handlers()) {
            Path pom = Repository.file(handler.module() + "/pom.xml");
            assertTrue(Files.isRegularFile(pom), "no module " + handler.module());
            String text = Files.readString(pom, StandardCharsets.UTF_8);
            Matcher artifact = Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>").matcher(text);
            assertTrue(artifact.find() && artifact.group(1).equals(handler.module()),
                    handler.module() + "/pom.xml must have artifactId " + handler.module() + " (the shade plugin names the jar after it)");
            assertTrue(text.contains("maven-shade-plugin"), handler.module() + "/pom.xml must build the shaded jar");
        }
    }

    /**
     * The handler class is in the shaded jar when the jar is current (mvn package/verify builds the
     * Lambda modules before this one); where the jar is missing or older than the module's sources, the
     * check falls back to the compiled classes or the sources.
     */
    @Test
    void eachHandlerClassExistsWithItsMethod() throws Exception {
        List<String> problems = new ArrayList<>();
        for (ConfigurationDoc.Handler handler : doc.handlers()) {
            String classFile = handler.className().replace('.', '/') + ".class";
            Path jar = Repository.file(handler.jar());
            Path classes = Repository.file(handler.module() + "/target/classes");
            Path source = Repository.file(handler.module() + "/src/main/java/" + handler.className().replace('.', '/') + ".java");
            if (Files.isRegularFile(jar) && !olderThanSources(jar, handler.module())) {
                try (JarFile jarFile = new JarFile(jar.toFile())) {
                    if (jarFile.getEntry(classFile) == null) {
                        problems.add(handler.jar() + " has no " + classFile);
                        continue;
                    }
                }
                try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
                    Class<?> type = Class.forName(handler.className(), false, loader);
                    boolean found = Arrays.stream(type.getMethods()).map(Method::getName).anyMatch(handler.methodName()::equals);
                    if (!found) {
                        problems.add(handler.className() + " in " + handler.jar() + " has no public " + handler.methodName());
                    }
                }
            } else if (Files.isRegularFile(classes.resolve(classFile)) && !olderThanSources(classes.resolve(classFile), handler.module())) {
                continue;
            } else if (Files.isRegularFile(source)) {
                if (!Files.readString(source, StandardCharsets.UTF_8).contains(" " + handler.methodName() + "(")) {
                    problems.add(source + " declares no " + handler.methodName());
                }
            } else {
                problems.add(handler.className() + " is in neither " + handler.jar() + " nor " + handler.module() + "'s classes or sources");
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private static boolean olderThanSources(Path built, String module) throws IOException {
        Path sources = Repository.file(module + "/src/main");
        if (!Files.isDirectory(sources)) {
            return false;
        }
        long builtAt = Files.getLastModifiedTime(built).toMillis();
        try (var files = Files.walk(sources)) {
            return files.filter(Files::isRegularFile).anyMatch(f -> {
                try {
                    return Files.getLastModifiedTime(f).toMillis() > builtAt;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    /** True when {@code value} is {@code !Ref parameter}, or {@code !GetAtt R.Name} of a resource named by {@code !Ref parameter}. */
    private boolean comesFrom(JsonNode value, String parameter) {
        if (value == null) {
            return false;
        }
        if (parameter.equals(value.path("Ref").asText())) {
            return true;
        }
        JsonNode getAtt = value.path("Fn::GetAtt");
        if (getAtt.isArray() && "Name".equals(getAtt.path(1).asText())) {
            JsonNode resource = template.root().path("Resources").path(getAtt.path(0).asText());
            return parameter.equals(resource.path("Properties").path("Name").path("Ref").asText());
        }
        return false;
    }

    @Test
    void eachFunctionGetsExactlyTheVariablesItsSettingsRead() {
        Map<String, JsonNode> functions = template.resourcesOfType("AWS::Serverless::Function");
        JsonNode globals = template.globals().path("Function").path("Environment").path("Variables");
        List<String> problems = new ArrayList<>();
        for (ConfigurationDoc.Handler handler : doc.handlers()) {
            String logicalId = functions.entrySet().stream()
                    .filter(e -> handler.handler().equals(e.getValue().path("Properties").path("Handler").asText()))
                    .map(Map.Entry::getKey).findFirst().orElse(null);
            if (logicalId == null) {
                fail("no function runs " + handler.handler());
            }
            Map<String, JsonNode> environment = new LinkedHashMap<>();
            globals.fields().forEachRemaining(e -> environment.put(e.getKey(), e.getValue()));
            functions.get(logicalId).path("Properties").path("Environment").path("Variables").fields()
                    .forEachRemaining(e -> environment.put(e.getKey(), e.getValue()));

            Set<String> readable = new TreeSet<>();
            for (ConfigurationDoc.Variable variable : doc.variablesReadBy(handler.function())) {
                readable.add(variable.name());
                if (variable.required() && !environment.containsKey(variable.name())) {
                    problems.add(logicalId + " (" + handler.function() + ") lacks required " + variable.name());
                }
                variable.parameter().ifPresent(parameter -> {
                    JsonNode value = environment.get(variable.name());
                    if (!comesFrom(value, parameter)) {
                        problems.add(logicalId + ": " + variable.name() + " must be !Ref " + parameter + ", is " + value);
                    }
                });
            }
            for (String name : environment.keySet()) {
                if (!readable.contains(name)) {
                    problems.add(logicalId + " (" + handler.function() + ") gets " + name
                            + ", which docs/configuration.md does not list for " + handler.function());
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void everyVariableTheTemplateSetsIsReadByTheCode() throws IOException {
        // the document and the code agree too: each name the template sets appears as a literal in the
        // function's module or in common (where the shared settings records live)
        Map<String, JsonNode> functions = template.resourcesOfType("AWS::Serverless::Function");
        List<String> names = new ArrayList<>();
        template.globals().path("Function").path("Environment").path("Variables").fieldNames().forEachRemaining(names::add);
        List<String> problems = new ArrayList<>();
        for (ConfigurationDoc.Handler handler : doc.handlers()) {
            List<String> set = new ArrayList<>(names);
            functions.values().stream().filter(f -> handler.handler().equals(f.path("Properties").path("Handler").asText()))
                    .forEach(f -> f.path("Properties").path("Environment").path("Variables").fieldNames().forEachRemaining(set::add));
            String code = sources(handler.module()) + sources("common");
            set.stream().filter(name -> !code.contains("\"" + name + "\""))
                    .forEach(name -> problems.add(handler.function() + " gets " + name + ", which no code in " + handler.module() + " or common reads"));
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private static String sources(String module) throws IOException {
        Path dir = Repository.file(module + "/src/main/java");
        if (!Files.isDirectory(dir)) {
            return "";
        }
        StringBuilder all = new StringBuilder();
        try (var files = Files.walk(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                all.append(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return all.toString();
    }

    @Test
    void everyParameterReachesAFunctionOrAResource() {
        // a parameter nothing reads is a setting users would set in vain
        String text = template.root().path("Resources").toString() + template.root().path("Globals").toString()
                + template.root().path("Conditions").toString();
        // (unless it is kept only so existing parameter files still deploy, and says so)
        List<String> unused = new ArrayList<>();
        template.parameters().fields().forEachRemaining(parameter -> {
            String name = parameter.getKey();
            boolean saysUnused = parameter.getValue().path("Description").asText().startsWith("Not used:");
            if (!text.contains("\"Ref\":\"" + name + "\"") && !text.contains("${" + name + "}") && !saysUnused) {
                unused.add(name);
            }
        });
        assertEquals(List.of(), unused, "parameters nothing uses");
    }
}
