package dev.neomig.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;

/**
 * Starts a Neo4j Community server with Bolt on 127.0.0.1:PORT, in DATA_DIR, with authentication on and
 * the user neo4j's password set to PASSWORD. Prints one line, "NEO4J_READY version=... edition=...",
 * when it answers, and then stays up until it is killed or its standard input closes (so that a parent
 * process that dies, even by SIGKILL, takes the server with it).
 *
 * Usage: Neo4jLocal PORT DATA_DIR PASSWORD [key=value ...]   (extra Neo4j settings)
 */
public final class Neo4jLocal {
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: Neo4jLocal PORT DATA_DIR PASSWORD [setting=value ...]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path home = Path.of(args[1]).toAbsolutePath();
        String password = args[2];

        Map<String, String> settings = new HashMap<>();
        settings.put("dbms.security.auth_enabled", "true");
        settings.put("server.bolt.enabled", "true");
        settings.put("server.bolt.listen_address", "127.0.0.1:" + port);
        settings.put("server.bolt.advertised_address", "127.0.0.1:" + port);
        settings.put("server.http.enabled", "false");
        settings.put("server.https.enabled", "false");
        settings.put("server.memory.pagecache.size", "64m");
        settings.put("db.tx_log.rotation.retention_policy", "1 files");
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                System.err.println("not a setting=value pair: " + args[i]);
                System.exit(2);
            }
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }

        // Settings go through a neo4j.conf of our own: the builder takes raw key=value pairs only from a file,
        // which keeps this launcher free of version-specific Setting classes.
        Files.createDirectories(home);
        Path conf = home.resolve("neo4j.conf");
        StringBuilder text = new StringBuilder();
        settings.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(conf, text.toString());

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(conf).build();
        Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown, "neo4j-shutdown"));

        GraphDatabaseService system = dbms.database("system");
        system.executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $p CHANGE NOT REQUIRED", Map.of("p", password));

        String version = "unknown";
        String edition = "unknown";
        try (Transaction tx = system.beginTx();
             Result r = tx.execute("CALL dbms.components() YIELD versions, edition RETURN versions[0] AS v, edition")) {
            if (r.hasNext()) {
                Map<String, Object> row = r.next();
                version = String.valueOf(row.get("v"));
                edition = String.valueOf(row.get("edition"));
            }
        }
        System.out.println("NEO4J_READY version=" + version + " edition=" + edition + " port=" + port);
        System.out.flush();

        // Exit when the parent goes away: its end of our stdin closes.
        Thread watchdog = new Thread(() -> {
            InputStream in = System.in;
            byte[] buf = new byte[256];
            try {
                while (in.read(buf) >= 0) {
                    // ignore input; only EOF matters
                }
            } catch (IOException ignored) {
                // treat as EOF
            }
            System.exit(0);
        }, "stdin-watchdog");
        watchdog.setDaemon(false);
        watchdog.start();
    }
}
