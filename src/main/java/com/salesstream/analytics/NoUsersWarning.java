package com.salesstream.analytics;

import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.quarkus.arc.profile.UnlessBuildProfile;
import io.quarkus.elytron.security.properties.runtime.MPRealmRuntimeConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.SmallRyeConfig;

/**
 * Says at startup that nobody can log in, where no user is configured: the page and the API would answer 401 to
 * everyone without another word. Dev and the tests are open (application.properties, "Access").
 */
@UnlessBuildProfile(anyOf = { "dev", "test" })
class NoUsersWarning {

    private static final Logger LOG = Logger.getLogger(NoUsersWarning.class);

    void warn(@Observes StartupEvent event) {
        MPRealmRuntimeConfig realm = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class)
                .getConfigMapping(MPRealmRuntimeConfig.class);
        if (realm.users().isEmpty()) {
            LOG.warn("No user can log in: every request for the dashboard, the API or the stream gets 401. Add users "
                    + "with bin/add-user to a users file and name it in QUARKUS_CONFIG_LOCATIONS (README, \"Access\")");
        }
    }
}
