// Tiny CQL client for bin/local-servers (cqlsh is not available without Python/the tarball).
//   java -cp '.local/lib/cqlprobe/*:.local/lib/cqlprobe-classes' CqlProbe [-h host:port] [CQL ...]
// Runs each CQL statement in order and prints the rows ('|'-separated). With no statement it
// runs the readiness query SELECT release_version FROM system.local. Exit code 1 on any error.
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

public class CqlProbe {
    public static void main(String[] args) {
        String host = "127.0.0.1";
        int port = 9042;
        List<String> statements = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-h") && i + 1 < args.length) {
                String[] hp = args[++i].split(":");
                host = hp[0];
                if (hp.length > 1) port = Integer.parseInt(hp[1]);
            } else {
                statements.add(args[i]);
            }
        }
        if (statements.isEmpty()) statements.add("SELECT release_version FROM system.local");

        DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(20))
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(20))
                .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false)
                // A one-shot client: skip schema/token metadata and Netty's 2 s shutdown quiet period.
                .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
                .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false)
                .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
                .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
                .build();
        try (CqlSession session = CqlSession.builder()
                .addContactPoint(new InetSocketAddress(host, port))
                .withLocalDatacenter("datacenter1")
                .withConfigLoader(config)
                .build()) {
            for (String cql : statements) {
                ResultSet rs = session.execute(cql);
                for (Row row : rs) {
                    StringBuilder line = new StringBuilder();
                    for (int c = 0; c < row.getColumnDefinitions().size(); c++) {
                        if (c > 0) line.append('|');
                        line.append(row.getObject(c));
                    }
                    System.out.println(line);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("CQL error: " + e);
            System.exit(1);
        }
    }
}
