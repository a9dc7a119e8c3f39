package dev.ferry.run;

import dev.ferry.flow.FlowRefusedException;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import org.jberet.util.BatchUtil;

/**
 * JBeret keeps a run's job parameters in one {@code jobparameters varchar(3000)} column of its executions table. A start
 * whose parameters do not fit failed inside JBeret's insert (JBERET000626), naming neither the parameter nor
 * the limit, and left a job instance behind; it is refused here before anything is written.
 */
final class JobParameterLimit {

    /** The column's size in JBeret's DDL for every database it supports. */
    static final int CHARACTERS = 3000;

    private JobParameterLimit() {
    }

    /**
     * @param given the parameters the user gave (the others are Ferry's), of which the largest is named
     * @throws FlowRefusedException when the parameters, as JBeret writes them, exceed {@link #CHARACTERS}
     */
    static void check(String flow, Properties parameters, Collection<String> given) {
        String stored = BatchUtil.propertiesToString(parameters);
        if (stored.length() <= CHARACTERS) {
            return;
        }
        String largest = given.stream().max(Comparator.comparingInt(name -> parameters.getProperty(name, "").length()))
                .map(name -> "; the largest is " + name + " (" + parameters.getProperty(name, "").length() + " characters)")
                .orElse("");
        throw new FlowRefusedException(flow, List.of("the job parameters take " + stored.length() + " characters as the job repository"
                + " stores them, and it holds at most " + CHARACTERS + largest + ". Pass large values another way (a script file,"
                + " a table, the configuration); nothing was started"));
    }
}
