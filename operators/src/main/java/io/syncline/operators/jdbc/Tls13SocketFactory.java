package io.syncline.operators.jdbc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Properties;
import javax.net.ssl.SSLSocket;
import org.postgresql.ssl.LibPQFactory;
import org.postgresql.util.PSQLException;

/**
 * pgjdbc's own TLS socket factory ({@code sslmode}, {@code sslrootcert}, {@code sslcert}, {@code
 * sslkey} work as documented), restricted to TLS 1.3: pgjdbc has no setting for the protocol
 * version, and a server that offers only older versions must be refused, not used. pgjdbc names it
 * in {@code sslfactory} and creates it with the connection's properties.
 */
public class Tls13SocketFactory extends LibPQFactory {

    /** The only protocol the sockets enable. */
    public static final String PROTOCOL = "TLSv1.3";

    private static final String[] PROTOCOLS = {PROTOCOL};

    public Tls13SocketFactory(Properties info) throws PSQLException {
        super(info);
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose)
            throws IOException {
        return tls13(super.createSocket(socket, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return tls13(super.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
            throws IOException {
        return tls13(super.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return tls13(super.createSocket(host, port));
    }

    @Override
    public Socket createSocket(
            InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return tls13(super.createSocket(address, port, localAddress, localPort));
    }

    private static Socket tls13(Socket socket) {
        ((SSLSocket) socket).setEnabledProtocols(PROTOCOLS);
        return socket;
    }
}
