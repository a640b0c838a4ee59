package dev.autotls.internal.jetty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.autotls.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Keeps the jetty-home module in step with {@link Setting}: {@code start.d/autotls.ini} (the
 * module's {@code [ini-template]}) lists every setting with its default, commented, in the
 * table's order, and {@code etc/autotls.xml} hands every one of them to autotls. On a drift the
 * failure shows the text the file should hold.
 */
class JettyModuleFilesTest {
    private static final Path MODULE = Path.of("src/main/jetty/modules/autotls.mod");
    private static final Path XML = Path.of("src/main/jetty/etc/autotls.xml");

    @Test
    void iniTemplateListsEverySettingWithItsDefault() throws Exception {
        String module = Files.readString(MODULE);
        String template = module.substring(module.indexOf("[ini-template]\n") + "[ini-template]\n".length());
        assertThat(template.strip()).as(MODULE + " [ini-template], to the end of the file").isEqualTo(iniTemplate().strip());
    }

    @Test
    void xmlHandsEverySettingToAutotls() throws Exception {
        List<String> lines = Files.readString(XML).lines().map(String::strip)
                .filter(line -> line.startsWith("<Call name=\"set\">")).toList();
        assertThat(lines).as(XML + ": one set call per setting, in the table's order")
                .containsExactlyElementsOf(Arrays.stream(Setting.values()).map(JettyModuleFilesTest::setCall).toList());
    }

    static String setCall(Setting setting) {
        return "<Call name=\"set\"><Arg>" + setting.key() + "</Arg><Arg><Property name=\"" + setting.key()
                + "\"/></Arg></Call>";
    }

    /** The {@code [ini-template]} the module should have. */
    static String iniTemplate() {
        String settings = Arrays.stream(Setting.values()).map(setting -> "## " + description(setting) + "\n# "
                + setting.key() + "=" + defaultShown(setting) + "\n").collect(Collectors.joining("\n"));
        return "# autotls: HTTPS certificates from an ACME CA, obtained and renewed in the background.\n"
                + "# Each setting is a Jetty property: here, or key=value after start.jar. -Dautotls.* and\n"
                + "# AUTOTLS_* environment variables win over both (secrets belong in the environment).\n"
                + "# The ports are Jetty's: jetty.ssl.port (HTTPS) and jetty.http.port (http-01).\n\n" + settings;
    }

    private static String description(Setting setting) {
        switch (setting) {
            case HTTPS_PORT: return "Must equal jetty.ssl.port, which sets the HTTPS port; unset, it takes that value.";
            case HTTP_PORT: return "Must equal jetty.http.port, which sets the HTTP port the CA reaches for http-01 "
                    + "(unset, it takes that value); `off`: no http-01.";
            case BIND: return "Not used with jetty-home: jetty.ssl.host and jetty.http.host set the addresses.";
            default: return setting.description();
        }
    }

    private static String defaultShown(Setting setting) {
        switch (setting) {
            case HTTPS_PORT: return "${jetty.ssl.port}";
            case HTTP_PORT: return "${jetty.http.port}";
            default: return setting.defaultValue() == null ? "" : setting.defaultValue();
        }
    }
}
