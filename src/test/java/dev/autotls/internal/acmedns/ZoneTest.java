package dev.autotls.internal.acmedns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.autotls.fuzz.FuzzInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The static records of config.cfg, as the zone takes them. */
class ZoneTest {
    @TempDir
    Path folder;

    private Zone zone(String savedInput) throws Exception {
        Path file = Files.write(folder.resolve("config.cfg"), FuzzInput.saved("ConfigFileFuzzer", savedInput));
        return new Zone(ConfigFile.read(file), 1);
    }

    @Test
    void recordsOfSeveralTypesAreServed() throws Exception {
        Zone zone = zone("records-of-several-types.cfg");
        assertThat(zone.staticRecords(org.xbill.DNS.Name.fromString("a.test."))).hasSize(2);
    }

    @Test
    void aRecordLineReadsNoFileAndGeneratesNoRecords() {
        // $INCLUDE /dev/zero in a record ran out of memory, $GENERATE 0-4294967295 ran for ever
        assertThatThrownBy(() -> zone("oom-records-include-a-file.cfg")).isInstanceOf(IOException.class)
                .hasMessageContaining("$INCLUDE encountered, but processing disabled");
        assertThatThrownBy(() -> zone("timeout-records-generate.cfg")).isInstanceOf(IOException.class)
                .hasMessage("the static record '$GENERATE 1-3 host-$ A 192.0.2.$' is a $GENERATE directive;"
                        + " list the records it stands for one by one");
    }

    @Test
    void aLineDnsjavaCannotParseIsAnErrorInTheFileNotACrash() {
        // found by ConfigFileFuzzer: a $GENERATE range without an end (or a start) made dnsjava's
        // Master throw StringIndexOutOfBoundsException, before Zone could refuse the directive
        for (String input : new String[] {"crash-records-generate-range-without-end.cfg",
                "crash-records-generate-range-without-start.cfg"}) {
            assertThatThrownBy(() -> zone(input)).isInstanceOf(IOException.class)
                    .hasMessageContaining("is not a zone-file line");
        }
    }
}
