import java.io.FileInputStream;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Java's JSSE on a device: {@code java Client HOST PORT ROOT.pem NAME|-}. The handshake must
 * verify the chain to ROOT (the default PKIX trust manager) and, unless NAME is "-" (the chain
 * names no host), the endpoint name as HTTPS does. One line out; exit 0 when all that held.
 */
public final class Client {
    public static void main(String[] args) {
        if (args.length != 4) {
            System.out.println("usage: java Client HOST PORT ROOT NAME|-");
            System.exit(2);
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            try (FileInputStream in = new FileInputStream(args[2])) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    store.setCertificateEntry("root" + i++, c);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(args[0], Integer.parseInt(args[1]))) {
                s.setSoTimeout(5000);
                if (!args[3].equals("-")) {
                    SSLParameters p = s.getSSLParameters();
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                    s.setSSLParameters(p);
                }
                s.startHandshake();
                System.out.println("handshake " + s.getSession().getProtocol() + ", "
                        + s.getSession().getPeerCertificates().length + " certificates");
            }
        } catch (Exception e) {
            System.out.println("error: " + e);
            System.exit(1);
        }
    }
}
