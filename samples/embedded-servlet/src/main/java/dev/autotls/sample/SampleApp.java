package dev.autotls.sample;

import dev.autotls.AutoTls;
import dev.autotls.AutoTlsListener;
import dev.autotls.CertificateEvent;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;

/** An ordinary embedded Jetty 12 servlet application; the two autotls lines are marked. */
public final class SampleApp {
    private SampleApp() {
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(HelloServlet.class, "/");
        server.setHandler(context);

        AutoTls.builder()                                         // autotls, line 1: settings come from
                .listener(new AutoTlsListener() {                 // -Dautotls.* / AUTOTLS_*, e.g.
                    @Override                                     // -Dautotls.domains=example.com
                    public void onObtained(CertificateEvent event) {
                        System.out.println("HTTPS is live for " + event.names());
                    }
                })
                .build().installOn(server);                       // autotls, line 2

        server.start();
        server.join();
    }
}
