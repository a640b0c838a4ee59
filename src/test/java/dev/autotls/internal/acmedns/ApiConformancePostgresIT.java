package dev.autotls.internal.acmedns;

import dev.autotls.acmedns.ResponderConfig;
import dev.autotls.testing.Responder;
import dev.autotls.testing.SharedPostgres;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every case of {@link ApiConformanceIT} with the responder on a real PostgreSQL database. */
class ApiConformancePostgresIT extends ApiConformanceIT {
    @RegisterExtension
    static final SharedPostgres POSTGRES = new SharedPostgres();

    @Override
    Responder startResponder(Path folder, Consumer<ResponderConfig.Builder> customize) throws Exception {
        return super.startResponder(folder, customize.andThen(POSTGRES::configure));
    }
}
