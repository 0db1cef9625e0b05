package com.salesstream.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy between the service and MariaDB that, once armed, lets one COMMIT through to the server and then cuts
 * the connection before the server's answer reaches the client: the transaction is committed, but the client cannot
 * know it. Reads MySQL's packet framing (3-byte length, sequence id) on the client's side only.
 */
public final class CommitDroppingProxy implements AutoCloseable {

    private static final int COM_QUERY = 0x03;

    private final ServerSocket server;
    private final int targetPort;
    private final AtomicBoolean armed = new AtomicBoolean();
    private final AtomicInteger dropped = new AtomicInteger();
    private final Thread acceptor;

    public CommitDroppingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0));
        acceptor = new Thread(this::accept, "commit-dropping-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The next COMMIT that passes is committed and its answer lost. */
    public void arm() {
        armed.set(true);
    }

    /** How many COMMIT answers were dropped so far. */
    public int dropped() {
        return dropped.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket mysql = new Socket("127.0.0.1", targetPort);
                AtomicBoolean dropAnswer = new AtomicBoolean();
                start(() -> clientToServer(client, mysql, dropAnswer));
                start(() -> serverToClient(mysql, client, dropAnswer));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void clientToServer(Socket client, Socket mysql, AtomicBoolean dropAnswer) {
        try (InputStream in = client.getInputStream(); OutputStream out = mysql.getOutputStream()) {
            byte[] header = new byte[4];
            while (readFully(in, header)) {
                int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
                byte[] payload = new byte[length];
                if (!readFully(in, payload)) {
                    break;
                }
                if (isCommit(payload) && armed.compareAndSet(true, false)) {
                    dropAnswer.set(true);
                }
                out.write(header);
                out.write(payload);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(client, mysql);
        }
    }

    private void serverToClient(Socket mysql, Socket client, AtomicBoolean dropAnswer) {
        try (InputStream in = mysql.getInputStream(); OutputStream out = client.getOutputStream()) {
            byte[] buffer = new byte[16_384];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                if (dropAnswer.get()) {
                    dropped.incrementAndGet();
                    break; // the COMMIT's answer: gone with the connection
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(client, mysql);
        }
    }

    private static boolean isCommit(byte[] payload) {
        return payload.length > 1 && payload[0] == COM_QUERY
                && new String(payload, 1, payload.length - 1, StandardCharsets.UTF_8).trim().equalsIgnoreCase("COMMIT");
    }

    private static boolean readFully(InputStream in, byte[] into) throws IOException {
        int at = 0;
        while (at < into.length) {
            int read = in.read(into, at, into.length - at);
            if (read < 0) {
                return false;
            }
            at += read;
        }
        return true;
    }

    private static void start(Runnable pump) {
        Thread thread = new Thread(pump, "commit-dropping-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket... sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
