package dev.autotls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.acmedns.ResponderConfig;
import dev.autotls.cli.Main;
import dev.autotls.internal.acmedns.ConfigFile;
import dev.autotls.internal.challenge.DnsPersistStrategy;
import dev.autotls.internal.challenge.TlsAlpn01Strategy;
import dev.autotls.internal.engine.Backoff;
import dev.autotls.internal.engine.CertificateManager;
import dev.autotls.internal.engine.OrderWorkers;
import dev.autotls.internal.engine.RenewalPolicy;
import dev.autotls.internal.localca.AuthorityCertificates;
import dev.autotls.internal.localca.LocalNames;
import dev.autotls.internal.store.LeaseTimes;
import dev.autotls.internal.store.StorageKeys;
import dev.autotls.internal.tls.CertificateRegistry;
import dev.autotls.internal.tls.SelfSignedCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedOperation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;

/**
 * Issue 23 test e: every number and list in {@code README.md} and {@code docs/*.md} is either
 * made from the code or checked here against it. A sentence is found with its line breaks
 * folded to spaces, so rewrapping a paragraph never fails this test; changing a number in the
 * code or the docs without the other does. (The settings table is {@link ReadmeTest}'s; the
 * closure's size is {@code ClosureIT}'s, which measures it.)
 */
class DocsTest {
    private static final Path README = Path.of("README.md");
    private static final int README_MOST_LINES = 249;
    /**
     * Pages linked before they exist, because another branch of the same issue writes them
     * (issue 23 item 1: the local CA). Once the file exists its links are checked like any other.
     */
    private static final String[] WORDS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
            "nine", "ten", "eleven", "twelve"};

    @Test
    void theReadmeStaysUnder250Lines() throws IOException {
        assertThat(Files.readAllLines(README)).as("README.md's lines (the reference belongs in docs/)")
                .hasSizeLessThanOrEqualTo(README_MOST_LINES);
    }

    @Test
    void everyRelativeLinkPointsToAFileAndItsHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path page : pages()) {
            Matcher link = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)").matcher(withoutCode(Files.readString(page)));
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // https:, mailto:: not ours to check offline
                }
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                Path resolved = file.isEmpty() ? page : page.resolveSibling(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(page + ": " + target + " (no file " + resolved + ")");
                } else if (anchor != null && !anchors(resolved).contains(anchor)) {
                    broken.add(page + ": " + target + " (" + resolved + " has no heading #" + anchor + "; it has "
                            + anchors(resolved) + ")");
                }
            }
        }
        assertThat(broken).as("relative links in README.md and docs/*.md").isEmpty();
    }

    /** docs/local-ca.md's lifetimes and namespaces are the code's. */
    @Test
    void theLocalCaPageSaysWhatTheCodeDoes() throws Exception {
        String page = Files.readString(Path.of("docs/local-ca.md")).replaceAll("\\s+", " ");
        long rootYears = Math.round(AuthorityCertificates.ROOT_LIFETIME.toDays() / 365.25);
        assertThat(page).contains("both valid for " + rootYears + " years")
                .contains("When the " + rootYears + " years are over")
                .contains("Certificates last " + AuthorityCertificates.LEAF_LIFETIME.toDays() + " days")
                .contains("renewed in their last third");
        // the page's list, in the words of the code's own, with each name in backticks
        String described = LocalNames.described();
        int addresses = described.indexOf(", and loopback and private IP addresses");
        assertThat(addresses).as("the code's list of local names ends with the IP ranges: " + described).isPositive();
        String namespaces = described.substring(0, addresses).replaceAll("(\\*?\\.?[a-z]+(\\.[a-z]+)?)(?=,| and|$)", "`$1`")
                .replace(" and names", ", names");
        assertThat(page).contains("(" + namespaces + ", loopback and private IP addresses)");
        Matcher ranges = Pattern.compile("[0-9a-f:.]+/\\d+").matcher(described.substring(addresses));
        int seen = 0;
        while (ranges.find()) {
            seen++;
            assertThat(page).as("docs/local-ca.md lists the range " + ranges.group()).contains(ranges.group());
        }
        assertThat(seen).as("IP ranges in the code's list").isPositive();
        assertThat(StorageKeys.localCa("")).isEqualTo("local/ca/");
        assertThat(page).contains("(`local/ca/`)");
    }

    @Test
    void theReadmeLinksEveryDocsPage() throws IOException {
        String readme = Files.readString(README);
        for (Path page : pages()) {
            if (!page.equals(README)) {
                assertThat(readme).as("README.md links " + page).contains("](" + page + ")");
            }
        }
    }

    /** Each {@code java} block, and each inline {@code AutoTls.builder()...} expression, compiles against this build. */
    @Test
    void everyJavaSampleCompiles(@TempDir Path work) throws IOException {
        List<String> samples = new ArrayList<>();
        List<String> from = new ArrayList<>();
        for (Path page : pages()) {
            String text = Files.readString(page);
            Matcher block = Pattern.compile("(?m)^```java\\n(.*?)^```", Pattern.DOTALL).matcher(text);
            while (block.find()) {
                samples.add(block.group(1));
                from.add(page + ", the java block at offset " + block.start());
            }
            Matcher inline = Pattern.compile("`(AutoTls\\.builder\\(\\)[^`]*)`").matcher(withoutCode(text));
            while (inline.find()) {
                samples.add(inline.group(1).replaceFirst(";?$", ";"));
                from.add(page + ": " + inline.group(1));
            }
        }
        assertThat(samples).as("java samples in README.md and docs/*.md").hasSizeGreaterThanOrEqualTo(2);
        List<String> files = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            Path source = work.resolve("Sample" + i + ".java");
            // the names a sample may take as given: the handler it serves, the registry metrics go to
            Files.writeString(source, """
                    import dev.autotls.*;
                    import dev.autotls.acmedns.*;
                    import java.net.*;
                    import java.nio.file.*;
                    import org.eclipse.jetty.server.*;
                    // %s
                    class Sample%d {
                        void run(Handler yourHandler, io.micrometer.core.instrument.MeterRegistry registry) throws Exception {
                    %s
                        }
                    }
                    """.formatted(from.get(i).replace('\n', ' '), i, samples.get(i)));
            files.add(source.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> arguments = new ArrayList<>(List.of("--release", "17", "-proc:none", "-classpath",
                System.getProperty("java.class.path"), "-d", work.resolve("classes").toString()));
        arguments.addAll(files);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int status = javac.run(null, output, output, arguments.toArray(String[]::new));
        assertThat(status).as("javac on the samples of README.md and docs/*.md:\n" + output.toString(StandardCharsets.UTF_8))
                .isZero();
    }

    /** Each {@code --option} given to {@code serve}, {@code records} or {@code doctor} in a page is one of their settings. */
    @Test
    void everyOptionInACommandIsASetting() throws IOException {
        Set<String> options = Arrays.stream(Setting.values()).map(s -> s.key().substring("autotls.".length()))
                .collect(Collectors.toSet());
        Pattern command = Pattern.compile("autotls(?:\\.jar|-run\\.sh(?: train)?) (serve|records|doctor)\\b([^#`\\n]*)");
        List<String> unknown = new ArrayList<>();
        int seen = 0;
        for (Path page : pages()) {
            Matcher m = command.matcher(Files.readString(page));
            while (m.find()) {
                Matcher option = Pattern.compile("(?<=\\s)--([a-z][a-z0-9.-]*)").matcher(m.group(2));
                while (option.find()) {
                    seen++;
                    if (!options.contains(option.group(1)) && !option.group(1).equals("help")) {
                        unknown.add(page + ": " + m.group(1) + " --" + option.group(1));
                    }
                }
            }
        }
        assertThat(seen).as("options found in the pages' commands").isGreaterThan(5);
        assertThat(unknown).as("options that are no setting").isEmpty();
    }

    @Test
    void theWorkerCountIsTheCodes() throws IOException {
        OrderWorkers workers = OrderWorkers.start();
        try {
            int most = workers.atOnce();
            assertThat(flat("docs/how-it-works.md")).contains("Orders run on up to " + word(most) + " worker threads");
        } finally {
            workers.shutdownNow();
        }
    }

    /** Each command's exit codes in docs/command-line.md: what its class returns, plus picocli's 1 (thrown) and 2 (wrong option). */
    @Test
    void theExitCodesAreTheCommands() throws IOException {
        Map<String, Set<Integer>> documented = new TreeMap<>();
        List<String> commands = new ArrayList<>();
        Map<String, Set<Integer>> returned = new TreeMap<>();
        for (Class<?> type : Main.class.getAnnotation(Command.class).subcommands()) {
            if (!type.getPackageName().startsWith("dev.autotls")) {
                continue; // picocli's own help command: exit 0, like every --help
            }
            String name = type.getAnnotation(Command.class).name();
            commands.add(name);
            Set<Integer> codes = new TreeSet<>(returnedCodes(source(type)));
            assertThat(codes).as(type.getSimpleName() + " returns exit codes as literals").isNotEmpty();
            codes.addAll(List.of(1, 2));
            returned.put(name, codes);
        }
        Pattern row = Pattern.compile("^\\| `(\\d+)` \\| .* \\| (.+) \\|$");
        for (String line : Files.readAllLines(Path.of("docs/command-line.md"))) {
            Matcher m = row.matcher(line);
            if (m.matches()) {
                int code = Integer.parseInt(m.group(1));
                List<String> who = m.group(2).equals("all") ? commands
                        : Pattern.compile("`([a-z-]+)`").matcher(m.group(2)).results().map(r -> r.group(1)).toList();
                who.forEach(c -> documented.computeIfAbsent(c, k -> new TreeSet<>()).add(code));
            }
        }
        assertThat(documented).as("exit codes per command: docs/command-line.md against the commands' code")
                .isEqualTo(returned);
    }

    @Test
    void theBuilderMethodsNamedAreTheBuilders() throws IOException {
        String text = flat("docs/settings.md");
        String paragraph = text.substring(text.indexOf("The builder has"), text.indexOf("## Profiles"));
        Set<String> named = Pattern.compile("`([a-z][A-Za-z]*)(?:\\([^`]*\\))?`").matcher(paragraph).results()
                .map(r -> r.group(1)).collect(Collectors.toCollection(TreeSet::new));
        Set<String> methods = Arrays.stream(AutoTls.Builder.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !m.isSynthetic()).map(Method::getName).filter(n -> !n.equals("build"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(named).as("builder methods named in docs/settings.md").isEqualTo(methods);
    }

    @Test
    void theListenerMethodsNamedAreTheListeners() throws IOException {
        String text = flat("docs/operations.md");
        Set<String> named = Pattern.compile("`(on[A-Z][A-Za-z]*)`").matcher(text).results().map(r -> r.group(1))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> methods = Arrays.stream(AutoTlsListener.class.getDeclaredMethods()).filter(m -> !m.isSynthetic()).map(Method::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(named).as("AutoTlsListener methods named in docs/operations.md").isEqualTo(methods);
    }

    /** The JMX attributes and operations listed, per bean, against the {@code @Managed*} annotations. */
    @Test
    void theJmxNamesAreTheBeans() throws Exception {
        String text = flat("docs/operations.md");
        String site = text.substring(text.indexOf("`dev.autotls:type=autotls` shows"), text.indexOf("each certificate is a"));
        String certificate = text.substring(text.indexOf("each certificate is a"), text.indexOf("`renew` orders through"));
        assertThat(backticked(site)).as("the site's JMX names in docs/operations.md")
                .isEqualTo(managed(Class.forName("dev.autotls.jmx.AutoTlsMBean"), "dev.autotls:type=autotls"));
        assertThat(backticked(certificate)).as("a certificate's JMX names in docs/operations.md")
                .isEqualTo(managed(Class.forName("dev.autotls.internal.ops.CertificateBean"), "dev.autotls:type=certificatebean"));
    }

    @Test
    void theMetricNamesAreTheBindings() throws IOException {
        String text = flat("docs/operations.md");
        String metrics = text.substring(text.indexOf("**Metrics.**"), text.indexOf("**Management listener**"));
        Set<String> named = Pattern.compile("`(autotls\\.[a-z.]+)`").matcher(metrics).results().map(r -> r.group(1))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> registered = Pattern.compile("\\w+\\.builder\\(\"(autotls\\.[a-z.]+)\"")
                .matcher(Files.readString(Path.of("src/main/java/dev/autotls/internal/ops/MicrometerBinding.java")))
                .results().map(r -> r.group(1)).collect(Collectors.toCollection(TreeSet::new));
        assertThat(named).as("metric names in docs/operations.md").isEqualTo(registered);
    }

    /** Versions next to a coordinate, in XML or as a pom property, are the pom's. */
    @Test
    void theDependencyVersionsAreThePoms() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        Map<String, String> properties = new HashMap<>();
        Matcher property = Pattern.compile("<([\\w.-]+)>([^<$]+)</\\1>")
                .matcher(pom.substring(pom.indexOf("<properties>"), pom.indexOf("</properties>")));
        while (property.find()) {
            properties.put(property.group(1), property.group(2));
        }
        Map<String, String> versions = new HashMap<>();
        versions.put("autotls", pom.replaceAll("(?s).*?<artifactId>autotls</artifactId>\\s*<version>([^<]+)</version>.*", "$1"));
        Matcher dependency = Pattern.compile("(?s)<dependency>.*?<artifactId>([^<]+)</artifactId>\\s*<version>\\$\\{([^}]+)}</version>")
                .matcher(pom);
        while (dependency.find()) {
            versions.put(dependency.group(1), properties.get(dependency.group(2)));
        }
        Map<String, String> wrong = new LinkedHashMap<>();
        int checked = 0;
        for (Path page : pages()) {
            String text = Files.readString(page);
            Matcher inXml = Pattern.compile("<artifactId>([^<]+)</artifactId>\\s*<version>([^<]+)</version>").matcher(text);
            Matcher inProse = Pattern.compile("`(?:[\\w.-]+:)?([\\w.-]+)` (\\d+\\.\\d+[\\w.-]*\\w)").matcher(text);
            Matcher asProperty = Pattern.compile("<([\\w.-]+\\.version)>([^<]+)</\\1>").matcher(text);
            for (Matcher m : List.of(inXml, inProse, asProperty)) {
                while (m.find()) {
                    String expected = m == asProperty ? properties.get(m.group(1)) : versions.get(m.group(1));
                    checked++;
                    if (!m.group(2).equals(expected)) {
                        wrong.put(page + ": " + m.group(1) + " " + m.group(2), "the pom has " + expected);
                    }
                }
            }
        }
        assertThat(checked).as("versions found in the pages").isGreaterThanOrEqualTo(8);
        assertThat(wrong).as("versions in README.md and docs/*.md that differ from pom.xml").isEmpty();
    }

    /** The responder's {@code [autotls]} block: exactly the keys it reads, and the values it uses without them. */
    @Test
    void theResponderDefaultsAreTheConfigFiles(@TempDir Path work) throws Exception {
        String page = Files.readString(Path.of("docs/acme-dns-responder.md"));
        Matcher block = Pattern.compile("(?s)```toml\\n(\\[autotls]\\n.*?)```").matcher(page);
        assertThat(block.find()).as("the [autotls] block in docs/acme-dns-responder.md").isTrue();
        Set<String> keys = Pattern.compile("(?m)^(\\w+) =").matcher(block.group(1)).results().map(r -> r.group(1))
                .collect(Collectors.toCollection(TreeSet::new));
        @SuppressWarnings("unchecked")
        Map<String, Set<String>> known = (Map<String, Set<String>>) constant(ConfigFile.class, "KNOWN");
        assertThat(keys).as("the keys of the documented [autotls] block").isEqualTo(new TreeSet<>(known.get("autotls")));

        String base = """
                [general]
                domain = "auth.example.org"
                [database]
                engine = "sqlite3"
                connection = "%s"
                """.formatted(work.resolve("acme-dns.db"));
        Path without = Files.writeString(work.resolve("without.cfg"), base);
        Path with = Files.writeString(work.resolve("with.cfg"), base + block.group(1));
        ResponderConfig defaults = ConfigFile.read(without);
        assertThat(ConfigFile.read(with)).as("the documented [autotls] block is the defaults").isEqualTo(defaults);

        String text = flat("docs/acme-dns-responder.md");
        ResponderConfig.ResponseRateLimit rrl = ResponderConfig.ResponseRateLimit.DEFAULTS;
        assertThat(text).contains("(`/" + rrl.ipv4PrefixLength() + "` for IPv4, `/" + rrl.ipv6PrefixLength() + "` for IPv6)")
                .contains("(" + rrl.responsesPerSecond() + ", slip " + rrl.slip() + ")")
                .contains("after " + seconds(ResponderConfig.TcpLimits.BUSY_IDLE_TIMEOUT) + " while more than half")
                .contains("up to " + (long) constant(Class.forName("dev.autotls.internal.acmedns.ApiHandler"), "DRAIN_BYTES") / (1024 * 1024)
                        + " MiB or " + ((Duration) constant(Class.forName("dev.autotls.internal.acmedns.ApiHandler"), "DRAIN_TIME"))
                        .toSeconds() + " s")
                .contains("at most " + constant(Class.forName("dev.autotls.internal.acmedns.DnsAnswerer"), "UDP_PAYLOAD")
                        + ", TC when cut")
                .contains(capitalized(every((Duration) constant(dev.autotls.acmedns.AcmeDnsServer.class, "DEFENCE_LOG_INTERVAL")))
                        + ", when they did anything");
    }

    /** The durations the engine's pages state, against the constants the engine uses. */
    @Test
    void theEnginesDurationsAreTheCodes() throws Exception {
        String how = flat("docs/how-it-works.md");
        RandomGenerator middle = () -> Long.MIN_VALUE; // nextDouble() = 0.5: no jitter
        RandomGenerator lowest = () -> 0L; // nextDouble() = 0: the most jitter below
        Backoff transientBackoff = Backoff.standard(middle);
        double jitter = 1 - (double) Backoff.standard(lowest).delay(1).toMillis() / transientBackoff.delay(1).toMillis();
        assertThat(how)
                .contains("a self-signed certificate (" + SelfSignedCertificates.LIFETIME.toDays() + " days, memory only)")
                .contains("that handshake waits up to " + CertificateRegistry.LOAD_WAIT.toMillis() + " ms")
                .contains("`" + Setting.CACHE_CERTIFICATES.key() + "` (" + String.format(java.util.Locale.ROOT, "%,d",
                        CertificateRegistry.DEFAULT_CACHE_SIZE) + ")")
                .contains("within " + word(CertificateManager.START_SPREAD.toMinutes()) + " minutes (spread at random)")
                .contains("looked at again at least every " + RenewalPolicy.MAX_RECHECK.toHours()
                        + " hours, and never renewed within " + hours(RenewalPolicy.MIN_AGE) + " of issuance")
                .contains("failures retry after " + transientBackoff.delay(1).toSeconds() + " s"
                        + ", doubling to at most " + hours(transientBackoff.delay(100)) + ", with +-"
                        + Math.round(jitter * 100) + " % jitter")
                .contains("(clamped to " + range(constant(Class.forName("dev.autotls.internal.acme.CaExchange"), "MIN_RETRY_AFTER"),
                        constant(Class.forName("dev.autotls.internal.acme.CaExchange"), "MAX_RETRY_AFTER")) + ")");

        Object circuit = Class.forName("dev.autotls.internal.engine.CaCircuit").getMethod("standard", RandomGenerator.class)
                .invoke(null, middle);
        Object circuitBackoff = field(circuit, "backoff");
        assertThat(how).contains("(its directory) every " + ((Duration) field(circuitBackoff, "initial")).toSeconds() + " to "
                + ((Duration) field(circuit, "cap")).toSeconds() + " s decides");

        Constructor<?> made = Class.forName("dev.autotls.internal.engine.FailurePolicy").getDeclaredConstructors()[0];
        made.setAccessible(true);
        Object[] arguments = new Object[made.getParameterCount()];
        for (int i = 0; i < arguments.length; i++) {
            arguments[i] = made.getParameterTypes()[i] == RandomGenerator.class ? middle : null;
        }
        Object policy = made.newInstance(arguments);
        Object preflight = field(policy, "preflightBackoff");
        Object owner = field(policy, "ownerBackoff");
        Object storage = field(policy, "storageBackoff");
        assertThat((Duration) field(preflight, "cap")).as("a DNS record is looked at at least once a minute")
                .isLessThanOrEqualTo(Duration.ofMinutes(1));
        assertThat(how).contains("a DNS record at least once a minute, the rest from "
                        + ((Duration) field(owner, "initial")).toMinutes() + " to " + ((Duration) field(owner, "cap")).toMinutes() + " minutes")
                .contains("*Storage* failures retry every " + ((Duration) field(storage, "initial")).toSeconds() + " to "
                        + ((Duration) field(storage, "cap")).toSeconds() + " s");

        Object poller = Class.forName("dev.autotls.internal.acme.Poller").getMethod("standard").invoke(null);
        assertThat(how).contains("Polling an order starts at " + ((Duration) field(poller, "first")).toMillis()
                + " ms and grows to " + ((Duration) field(poller, "cap")).toSeconds() + " s");

        LeaseTimes lease = LeaseTimes.STANDARD;
        assertThat(flat("docs/cluster.md"))
                .contains("expiry set by the database's clock: " + lease.lease().toSeconds() + " s, renewed every "
                        + lease.heartbeat().toSeconds() + " s)")
                .contains("leaves its lease to expire (" + lease.lease().toSeconds() + " s)");

        assertThat(flat("docs/strategies.md"))
                .contains("`persistUntil` past or within " + DnsPersistStrategy.EXPIRY_WARNING.toDays() + " days")
                .contains("reads the pending answers every " + TlsAlpn01Strategy.POLL_INTERVAL.toMillis() / 1000.0
                        + " s and the ordering instance waits " + TlsAlpn01Strategy.OTHERS_GRACE.toSeconds() + " s");

        Class<?> caCheck = Class.forName("dev.autotls.internal.ops.CaCheck");
        assertThat(flat("docs/operations.md")).contains("(warn above " + ((Duration) constant(caCheck, "SKEW_WARNING")).toSeconds()
                + " s, fail above " + ((Duration) constant(caCheck, "SKEW_FAILURE")).toMinutes() + " min)");

        assertThat(flat("docs/settings.md")).contains("`autotls.ca` may list up to " + word(Setting.MAX_CAS) + " CAs")
                .contains("a comma list of up to " + word(Setting.MAX_CAS) + ", the first preferred");
    }

    /** Figures that scripts and the build hold: fuzzing times, coverage minimum, training time, benchmark sizes. */
    @Test
    void theScriptsFiguresAreTheScripts() throws IOException {
        String fuzz = Files.readString(Path.of("scripts/fuzz.sh"));
        String ci = Files.readString(Path.of(".ci/run"));
        String pom = Files.readString(Path.of("pom.xml"));
        String run = Files.readString(Path.of("scripts/autotls-run.sh"));
        String bench = Files.readString(Path.of("scripts/bench.sh"));
        assertThat(flat("docs/testing.md"))
                .contains("each fuzz target for " + script(fuzz, "seconds=\\$\\{1:-(\\d+)}") + " s")
                .contains("CI runs each target for " + script(ci, "bash scripts/fuzz.sh (\\d+)") + " s")
                .contains("cover less than " + Math.round(Double.parseDouble(
                        script(pom, "<engine.coverage.minimum>([\\d.]+)</engine.coverage.minimum>")) * 100) + "% of the engine's lines");
        assertThat(flat("docs/command-line.md"))
                .contains("for RUN_TRAIN_SECONDS (" + script(run, "seconds=\\$\\{RUN_TRAIN_SECONDS:-(\\d+)}") + ")");
        assertThat(flat("docs/benchmarks.md"))
                .contains(script(bench, "smoke=false;[^\\n]*[ ;]names=(\\d+)") + " names in one instance")
                .contains(String.format(java.util.Locale.ROOT, "%,d", Integer.parseInt(script(bench, "smoke=false;[^\\n]*tls_names=(\\d+)")))
                        + " stored names");
    }

    private static String script(String text, String pattern) {
        Matcher m = Pattern.compile(pattern).matcher(text);
        assertThat(m.find()).as("/" + pattern + "/ in a script or the pom").isTrue();
        return m.group(1);
    }

    /** The README's "run it" and "test it" commands are the ones CI runs, so they cannot rot unseen. */
    @Test
    void theReadmesCommandsAreWhatCiRuns() throws IOException {
        String readme = Files.readString(README);
        List<String> ci = Files.readAllLines(Path.of(".ci/run"));
        assertThat(readme).contains("\nbash scripts/demo.sh ").contains("\nmvn -B verify ");
        assertThat(ci).as(".ci/run runs the demo and mvn -B verify (with -ntp only to quiet downloads)")
                .contains("bash scripts/demo.sh", "mvn -B -ntp verify");
    }

    /** What the demo needs, in README.md, against what scripts/demo.sh checks and what peers.sh --demo runs. */
    @Test
    void theDemosNeedsAreItsScripts() throws IOException {
        String text = flat("README.md");
        String sentence = text.substring(text.indexOf("`bash scripts/demo.sh` needs"), text.indexOf("It builds"));
        Map<String, String> shown = Map.of("java", "java 17+", "mvn", "Maven", "curl", "curl", "openssl", "openssl");
        List<String> needs = Pattern.compile("(?m)^need (\\S+) ").matcher(Files.readString(Path.of("scripts/demo.sh")))
                .results().map(r -> r.group(1)).toList();
        assertThat(needs).as("the commands scripts/demo.sh checks for").isNotEmpty();
        for (String command : needs) {
            assertThat(shown).as("how README.md names " + command + ", which scripts/demo.sh needs").containsKey(command);
            assertThat(sentence).contains(shown.get(command));
        }
        String peers = Files.readString(Path.of("scripts/peers.sh"));
        if (peers.contains("apt-get") && peers.contains("download")) {
            assertThat(sentence).contains("apt-get").contains("Debian mirror");
        }
        if (peers.contains("dpkg -x")) {
            assertThat(sentence).contains("dpkg");
        }
    }

    /** The peers mvn verify installs, in README.md, against scripts/peers.sh. */
    @Test
    void thePeersVerifyInstallsAreThePeersScripts() throws IOException {
        String text = flat("README.md");
        String sentence = text.substring(text.indexOf("`mvn -B verify` runs every test"), text.indexOf("CI (`.ci/run`)"));
        Map<String, String> shown = Map.of("unbound", "unbound", "knotd", "knot", "dnsperf", "dnsperf", "h2load", "h2load",
                "named", "BIND 9", "pgbouncer", "PgBouncer", "chromium", "Chromium", "certutil", "certutil");
        Matcher commands = Pattern.compile("(?m)^system_commands=\\(([^)]*)\\)").matcher(Files.readString(Path.of("scripts/peers.sh")));
        assertThat(commands.find()).as("system_commands=(...) in scripts/peers.sh").isTrue();
        for (String command : commands.group(1).trim().split("\\s+")) {
            assertThat(shown).as("how README.md names " + command + ", which scripts/peers.sh installs").containsKey(command);
            assertThat(sentence).contains(shown.get(command));
        }
        assertThat(sentence).contains("PostgreSQL");
    }

    // ---- helpers

    /** README.md and every page under docs/. */
    static List<Path> pages() throws IOException {
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            return Stream.concat(Stream.of(README), docs.filter(p -> p.toString().endsWith(".md")).sorted()).toList();
        }
    }

    /** A page with its line breaks (and the indentation of list items) folded into single spaces. */
    static String flat(String page) throws IOException {
        return Files.readString(Path.of(page)).replaceAll("\\s+", " ");
    }

    /** The text outside fenced code blocks. */
    private static String withoutCode(String text) {
        return text.replaceAll("(?ms)^```.*?^```", "");
    }

    /** GitHub's anchors for a page's headings. */
    private static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new TreeSet<>();
        for (String line : withoutCode(Files.readString(page)).lines().toList()) {
            if (line.matches("^#{1,6} .*")) {
                anchors.add(line.replaceFirst("^#+ ", "").toLowerCase(java.util.Locale.ROOT)
                        .replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    /** Integer literals a command's source returns: {@code return 2;} and {@code return x ? 1 : 0;}. */
    /** The codes a command's {@code return} statements give, as literals or as its own {@code static final int} constants. */
    private static Set<Integer> returnedCodes(String source) {
        Set<Integer> codes = new TreeSet<>();
        Map<String, String> constants = new TreeMap<>();
        Pattern.compile("static final int ([A-Z_]+) = (\\d+);").matcher(source).results()
                .forEach(r -> constants.put(r.group(1), r.group(2)));
        Matcher m = Pattern.compile("return ([^;]+);").matcher(source);
        while (m.find()) {
            String expression = m.group(1).trim();
            for (Map.Entry<String, String> constant : constants.entrySet()) {
                expression = expression.replaceAll("\\b" + constant.getKey() + "\\b", constant.getValue());
            }
            if (expression.matches("\\d+") || expression.matches(".*\\?\\s*\\d+\\s*:\\s*\\d+")) {
                String values = expression.contains("?") ? expression.substring(expression.lastIndexOf('?') + 1) : expression;
                Pattern.compile("\\d+").matcher(values).results().forEach(r -> codes.add(Integer.parseInt(r.group())));
            }
        }
        return codes;
    }

    private static String source(Class<?> type) throws IOException {
        return Files.readString(Path.of("src/main/java", type.getName().replace('.', '/') + ".java"));
    }

    /** The names in backticks, without call parentheses, minus the bean's own object name. */
    private static Set<String> backticked(String text) {
        return Pattern.compile("`([^`]+)`").matcher(text).results().map(r -> r.group(1).replaceFirst("\\(.*\\)$", ""))
                .filter(n -> !n.startsWith("dev.autotls")).collect(Collectors.toCollection(TreeSet::new));
    }

    /** A bean's JMX attribute names (as Jetty derives them from getters) and operation names. */
    private static Set<String> managed(Class<?> bean, String objectName) {
        Set<String> names = new TreeSet<>();
        for (Method method : bean.getDeclaredMethods()) {
            if (method.isSynthetic()) {
                continue;
            }
            if (method.isAnnotationPresent(ManagedAttribute.class)) {
                String name = method.getName().replaceFirst("^(get|is)", "");
                names.add(Character.toLowerCase(name.charAt(0)) + name.substring(1));
            } else if (method.isAnnotationPresent(ManagedOperation.class)) {
                names.add(method.getName());
            }
        }
        assertThat(names).as("@Managed names of " + bean.getName() + " (" + objectName + ")").isNotEmpty();
        return names;
    }

    private static Object constant(Class<?> type, String name) throws ReflectiveOperationException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(null);
    }

    private static Object field(Object instance, String name) throws ReflectiveOperationException {
        Field field = instance.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(instance);
    }

    private static String word(long number) {
        return number < WORDS.length ? WORDS[(int) number] : Long.toString(number);
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    /** "one second", "5 s". */
    private static String seconds(Duration duration) {
        return duration.equals(Duration.ofSeconds(1)) ? "one second" : duration.toSeconds() + " s";
    }

    /** "an hour", "6 hours". */
    private static String hours(Duration duration) {
        return duration.equals(Duration.ofHours(1)) ? "an hour" : duration.toHours() + " hours";
    }

    /** "once a minute", "every 5 minutes". */
    private static String every(Duration duration) {
        return duration.equals(Duration.ofMinutes(1)) ? "once a minute" : "every " + duration.toMinutes() + " minutes";
    }

    /** "1 s .. 1 day". */
    private static String range(Object from, Object to) {
        Duration low = (Duration) from;
        Duration high = (Duration) to;
        return low.toSeconds() + " s .. " + (high.equals(Duration.ofDays(1)) ? "1 day" : high.toHours() + " hours");
    }
}
