package com.salesstream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.salesstream.LocalKafkaTopics;
import com.salesstream.Retries;
import com.salesstream.SalesConfig;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/** Order ids from MySQL-reserved blocks, as two generators (or one restarted) see them. */
@QuarkusTest
@WithTestResource(LocalKafkaTopics.class)
class OrderIdBlocksQuarkusTest {

    @Inject
    Pool mysql;
    @Inject
    SalesConfig config;
    @Inject
    Retries retries;

    @Test
    void twoGeneratorsDrawingAtOnceNeverShareAnIdAndEachSeesItsOwnGrow() {
        OrderIdBlocks first = new OrderIdBlocks(mysql, retries, config);
        OrderIdBlocks second = new OrderIdBlocks(mysql, retries, config);
        int perGenerator = config.generator().idBlockSize() * 3 + 7;

        var both = Uni.combine().all().unis(draw(first, perGenerator), draw(second, perGenerator)).asTuple()
                .await().atMost(Duration.ofSeconds(30));
        List<Long> fromFirst = both.getItem1();
        List<Long> fromSecond = both.getItem2();
        List<Long> afterRestart = draw(new OrderIdBlocks(mysql, retries, config), 10).await().atMost(Duration.ofSeconds(30));

        assertThat(fromFirst).isSorted().doesNotHaveDuplicates();
        assertThat(fromSecond).isSorted().doesNotHaveDuplicates();
        Set<Long> all = new HashSet<>(fromFirst);
        all.addAll(fromSecond);
        assertThat(all).hasSize(2 * perGenerator).doesNotContainAnyElementsOf(afterRestart);
        assertThat(afterRestart.get(0)).isGreaterThan(Math.max(fromFirst.get(perGenerator - 1), fromSecond.get(perGenerator - 1)));
    }

    /** Draws ids the way the generator does: one stream per generator. */
    private static Uni<List<Long>> draw(OrderIdBlocks blocks, int count) {
        return Multi.createBy().repeating().uni(blocks::next).atMost(count).collect().in(ArrayList::new, List::add);
    }
}
