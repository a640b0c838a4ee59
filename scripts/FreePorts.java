import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints N loopback port numbers the system chose, one per line: each was bound for TCP (port 0,
 * read back) and for UDP on the same number, and all are held until every one is chosen, so they
 * are distinct and free for a server that wants both (a DNS server). Run as a source file:
 * {@code java scripts/FreePorts.java N}. The scripts' {@code free_ports} calls it.
 */
public final class FreePorts {
    public static void main(String[] args) throws IOException {
        int wanted = args.length == 0 ? 1 : Integer.parseInt(args[0]);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<AutoCloseable> held = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        try {
            for (int found = 0, tries = 0; found < wanted; tries++) {
                if (tries > 100 * wanted) {
                    throw new IOException("no port free for both TCP and UDP after " + tries + " tries");
                }
                ServerSocket tcp = new ServerSocket();
                tcp.setReuseAddress(false);
                tcp.bind(new InetSocketAddress(loopback, 0));
                held.add(tcp);
                try {
                    held.add(new DatagramSocket(new InetSocketAddress(loopback, tcp.getLocalPort())));
                } catch (IOException udpTaken) {
                    continue; // keep the TCP socket bound so this number is not offered again
                }
                out.append(tcp.getLocalPort()).append('\n');
                found++;
            }
        } finally {
            for (AutoCloseable socket : held) {
                try {
                    socket.close();
                } catch (Exception ignored) {
                    // closing a socket that is ours to drop
                }
            }
        }
        System.out.print(out);
    }
}
