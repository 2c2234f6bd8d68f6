package io.syncline.embedded;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;

/**
 * A {@link SharedServerExtension} of a database server, with the server's everyday methods on the
 * extension itself.
 *
 * @param <S> the server
 */
public abstract class SharedDatabaseExtension<S extends EmbeddedDatabaseServer>
        extends SharedServerExtension<S> {

    SharedDatabaseExtension(Supplier<S> start, String name) {
        super(start, name);
    }

    public String host() {
        return server().host();
    }

    public int port() {
        return server().port();
    }

    public String username() {
        return server().username();
    }

    public String password() {
        return server().password();
    }

    public String jdbcUrl(String database) {
        return server().jdbcUrl(database);
    }

    public Connection connect(String database) throws SQLException {
        return server().connect(database);
    }

    public void createDatabase(String name) {
        server().createDatabase(name);
    }

    public void execute(String database, String... sql) {
        server().execute(database, sql);
    }
}
