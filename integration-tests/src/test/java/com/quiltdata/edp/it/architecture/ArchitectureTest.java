package com.quiltdata.edp.it.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One vocabulary in every function module (store, emit, packager, processor):
 * <ul>
 *   <li>{@code domain}: the rules and values of the product, with no I/O;</li>
 *   <li>{@code port}: the interfaces the use cases call;</li>
 *   <li>one adapter package per technology ({@code postgres}, {@code s3}, {@code sns}, {@code sqs},
 *       {@code eventbridge}, {@code storagegateway}, {@code lambda}, {@code jq}, {@code exec});</li>
 *   <li>the module root: the handler, its wiring and settings, and the use cases.</li>
 * </ul>
 * Domain and ports import no adapter, no AWS SDK and no JDBC; use cases import ports, not adapters.
 */
@AnalyzeClasses(packages = "com.quiltdata.edp",
        importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NoTestJars.class})
class ArchitectureTest {
    static final List<String> MODULES = List.of("store", "emit", "packager", "processor");
    static final Set<String> VOCABULARY = Set.of("domain", "port", "postgres", "s3", "sns", "sqs", "eventbridge", "storagegateway",
            "lambda", "jq", "exec");
    static final String[] ADAPTERS = {"..postgres..", "..s3..", "..sns..", "..sqs..", "..eventbridge..", "..storagegateway..",
            "com.quiltdata.edp.*.lambda..", "..exec..", "..jq..", "com.quiltdata.edp.aws.."};
    static final String[] TECHNOLOGY = {"software.amazon.awssdk..", "java.sql..", "javax.sql..", "org.postgresql..",
            "com.zaxxer..", "org.flywaydb..", "com.amazonaws.services.lambda.."};

    /** The classes at the edge of a module: what Lambda or a command line starts, and what builds it. */
    private static final Pattern EDGE = Pattern.compile(".*(Handler|Handlers|Wiring|Settings|Main)(\\$.*)?");

    @ArchTest
    static final ArchRule domainImportsNoAdapterNorTechnology = noClasses()
            .that().resideInAPackage("..domain..")
            .should().dependOnClassesThat().resideInAnyPackage(concat(ADAPTERS, TECHNOLOGY))
            .because("the rules of the product must be testable without AWS or a database");

    @ArchTest
    static final ArchRule portsImportNoAdapterNorTechnology = noClasses()
            .that().resideInAPackage("..port..")
            .should().dependOnClassesThat().resideInAnyPackage(concat(ADAPTERS, TECHNOLOGY))
            .because("a port says what a use case needs, not how an adapter provides it");

    @ArchTest
    static final ArchRule useCasesImportPortsNotAdapters = noClasses()
            .that(useCases())
            .should().dependOnClassesThat().resideInAnyPackage(concat(ADAPTERS, TECHNOLOGY))
            .because("use cases reach the outside world through ports; the wiring picks the adapters");

    @ArchTest
    static final ArchRule everyFunctionModuleSpeaksOneVocabulary = classes()
            .that(inAFunctionModule())
            .should(new com.tngtech.archunit.lang.ArchCondition<JavaClass>("reside in the module root or in one of " + VOCABULARY) {
                @Override
                public void check(JavaClass type, com.tngtech.archunit.lang.ConditionEvents events) {
                    String sub = subPackage(type);
                    if (sub != null && !VOCABULARY.contains(sub.split("\\.")[0])) {
                        events.add(com.tngtech.archunit.lang.SimpleConditionEvent.violated(type,
                                type.getName() + " is in '" + sub + "', which is not one of " + VOCABULARY));
                    }
                }
            });

    /** The modules' test-jars (shared fixtures, benchmarks) are tests too. */
    static final class NoTestJars implements ImportOption {
        @Override
        public boolean includes(com.tngtech.archunit.core.importer.Location location) {
            return !location.contains("-tests.jar");
        }
    }

    /** The part of the package below {@code com.quiltdata.edp.<module>}, or null for the module root. */
    static String subPackage(JavaClass type) {
        for (String module : MODULES) {
            String root = "com.quiltdata.edp." + module;
            if (type.getPackageName().equals(root)) {
                return null;
            }
            if (type.getPackageName().startsWith(root + ".")) {
                return type.getPackageName().substring(root.length() + 1);
            }
        }
        return null;
    }

    private static DescribedPredicate<JavaClass> inAFunctionModule() {
        return DescribedPredicate.describe("are in a function module",
                type -> MODULES.stream().anyMatch(m -> type.getPackageName().equals("com.quiltdata.edp." + m)
                        || type.getPackageName().startsWith("com.quiltdata.edp." + m + ".")));
    }

    private static DescribedPredicate<JavaClass> useCases() {
        return DescribedPredicate.describe("are use cases (module-root classes other than handlers, wiring, settings and mains)",
                type -> MODULES.stream().anyMatch(m -> type.getPackageName().equals("com.quiltdata.edp." + m))
                        // the name within the package, so a nested or anonymous class of a handler counts as the handler
                        && !EDGE.matcher(type.getName().substring(type.getPackageName().length() + 1)).matches());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
