import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the application role and databases on a PostgreSQL server, if missing. Run by
 * bin/prometheus with the JDBC driver on the class path:
 *
 *   java -cp postgresql.jar DbSetup.java HOST PORT ROLE PASSWORD DATABASE... [--reset DATABASE]
 *
 * It connects as an administrator (PGADMIN_USER / PGADMIN_PASSWORD, else "postgres" or the login
 * user without password, as on a trust-auth local server). If no administrator login works but the
 * application role can already log in, there is nothing to do.
 */
public class DbSetup {

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: DbSetup HOST PORT ROLE PASSWORD DATABASE... [--reset DATABASE]");
            System.exit(2);
        }
        String host = args[0];
        String port = args[1];
        String role = identifier(args[2]);
        String password = args[3];
        List<String> databases = new ArrayList<>();
        String reset = null;
        for (int i = 4; i < args.length; i++) {
            if (args[i].equals("--reset")) {
                reset = identifier(args[++i]);
            } else {
                databases.add(identifier(args[i]));
            }
        }
        String url = "jdbc:postgresql://" + host + ":" + port + "/postgres";
        try (Connection admin = connectAsAdmin(url)) {
            if (admin == null) {
                try (Connection app = DriverManager.getConnection(url, role, password)) {
                    System.out.println("no administrator login; role " + role + " already exists");
                    return;
                }
            }
            try (Statement sql = admin.createStatement()) {
                if (!exists(admin, "select 1 from pg_roles where rolname = ?", role)) {
                    sql.execute("create role " + role + " login createdb password '" + password.replace("'", "''") + "'");
                    System.out.println("created role " + role);
                } else {
                    sql.execute("alter role " + role + " login createdb password '" + password.replace("'", "''") + "'");
                }
                if (reset != null) {
                    sql.execute("drop database if exists " + reset + " with (force)");
                }
                for (String database : databases) {
                    if (!exists(admin, "select 1 from pg_database where datname = ?", database)) {
                        sql.execute("create database " + database + " owner " + role);
                        System.out.println("created database " + database);
                    }
                }
            }
        }
    }

    private static Connection connectAsAdmin(String url) {
        List<String[]> candidates = new ArrayList<>();
        String user = System.getenv("PGADMIN_USER");
        if (user != null && !user.isBlank()) {
            candidates.add(new String[] {user, System.getenv().getOrDefault("PGADMIN_PASSWORD", "")});
        }
        candidates.add(new String[] {"postgres", ""});
        candidates.add(new String[] {System.getProperty("user.name"), ""});
        for (String[] candidate : candidates) {
            try {
                Connection connection = DriverManager.getConnection(url, candidate[0], candidate[1]);
                try (Statement check = connection.createStatement();
                        ResultSet rs = check.executeQuery("select rolsuper or rolcreaterole from pg_roles where rolname = current_user")) {
                    if (rs.next() && rs.getBoolean(1)) {
                        return connection;
                    }
                }
                connection.close();
            } catch (SQLException e) {
                // try the next candidate
            }
        }
        return null;
    }

    private static boolean exists(Connection connection, String query, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String identifier(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain identifier: " + name);
        }
        return name;
    }
}
