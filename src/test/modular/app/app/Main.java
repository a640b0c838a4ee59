package app;

import dev.autotls.AutoTls;
import dev.autotls.CertificateStatus;
import dev.autotls.ConfigurationException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;

/**
 * Serves one page over HTTPS with autotls on the module path, fetches it once over TLS (SNI
 * {@code modular.test}, the temporary certificate accepted) and prints what it saw. Args: the
 * storage folder, and {@code postgresql} to try the PostgreSQL store instead (whose jars a plain
 * user does not have). The CA is a closed loopback port: start-up never waits for it.
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        if (args.length > 1 && args[1].equals("postgresql")) {
            try {
                AutoTls.builder().ignoreSystemSettings().domains("modular.test").storage("postgresql://autotls@127.0.0.1:1/autotls")
                        .build();
                System.out.println("built without the PostgreSQL driver");
            } catch (ConfigurationException e) {
                System.out.println("refused: " + e.getMessage());
            }
            return;
        }
        Server server = new Server();
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Content.Sink.write(response, true, "hello from a module", callback);
                return true;
            }
        });
        AutoTls autoTls = AutoTls.builder().ignoreSystemSettings()
                .domains("modular.test").storage(Path.of(args[0])).ca("https://127.0.0.1:1/directory")
                .agreeToTermsOfService(true).bind("127.0.0.1").httpsPort(0).httpPort(0)
                .build().installOn(server);
        server.start();
        try {
            System.out.println("page: " + get(autoTls.httpsPort()));
            List<CertificateStatus> status = autoTls.status();
            System.out.println("certificates: " + status.size() + ", served from " + status.get(0).source());
            System.out.println("dev.autotls.internal exported: " + AutoTls.class.getModule().isExported("dev.autotls.internal"));
        } finally {
            server.stop();
        }
    }

    private static String get(int port) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName("modular.test")));
            socket.setSSLParameters(parameters);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: modular.test\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            try (InputStream in = socket.getInputStream()) {
                in.transferTo(body);
            }
            String answer = body.toString(StandardCharsets.UTF_8);
            return answer.substring(answer.indexOf("\r\n\r\n") + 4).trim();
        }
    }
}
