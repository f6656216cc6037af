package io.lianmai.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the most load a server carries at under {@code lossLimitPercent} loss: runs at {@code start}, then at
 * {@code factor} times that, and so on, until a run loses that much (or some client fails to join or to get media),
 * the load reaches {@code max}, {@code maxSteps} runs are done, or the next run would start after
 * {@code budgetNanos}. Bounded in count and in time.
 *
 * @param start the first load (subscribers, or rooms)
 * @param factor how much each step multiplies the load by, more than 1 (each step adds at least 1)
 * @param max the largest load tried
 * @param maxSteps the most runs
 * @param lossLimitPercent a run passes below this loss
 * @param budgetNanos no run starts after this long from the first
 */
record StepUp(int start, double factor, int max, int maxSteps, double lossLimitPercent, long budgetNanos) {

    StepUp {
        if (start < 1 || max < start) {
            throw new IllegalArgumentException("the step-up needs 1 <= start <= max, got " + start + ".." + max);
        }
        if (!(factor > 1) || factor > 10) {
            throw new IllegalArgumentException("--step must be more than 1 and at most 10, got " + factor);
        }
        if (maxSteps < 1 || maxSteps > 50) {
            throw new IllegalArgumentException("--max-steps must be 1..50, got " + maxSteps);
        }
        if (!(lossLimitPercent > 0) || lossLimitPercent > 50) {
            throw new IllegalArgumentException("the loss limit must be in (0, 50] %, got " + lossLimitPercent);
        }
    }

    /** What one step measured. */
    record Step(int load, double lossPercent, boolean passed, LoadReport report) {
    }

    /** Runs one step at a load. */
    interface Runner {
        LoadReport run(int load) throws InterruptedException;
    }

    /** The load after {@code load}: {@code factor} times it, at least one more, at most {@link #max}. */
    int next(int load) {
        return (int) Math.min(max, Math.max(load + 1L, Math.round(load * factor)));
    }

    /** Whether a run passed: everyone joined and got media, and the loss stayed under the limit. */
    boolean passed(LoadReport report) {
        return report.failures().isEmpty() && report.subscribersWithMedia() == report.subscribers()
                && lossPercent(report) < lossLimitPercent;
    }

    /** The loss over all players of a run: lost ÷ expected packets. */
    static double lossPercent(LoadReport report) {
        LoadReport.Totals t = report.totals();
        return t.expected() == 0 ? 0 : 100.0 * t.lost() / t.expected();
    }

    /** Steps up with {@code runner}; {@code clock} gives System.nanoTime()-like readings. */
    List<Step> run(Runner runner, java.util.function.LongSupplier clock) throws InterruptedException {
        List<Step> steps = new ArrayList<>();
        long began = clock.getAsLong();
        int load = start;
        while (true) {
            LoadReport report = runner.run(load);
            boolean passed = passed(report);
            steps.add(new Step(load, lossPercent(report), passed, report));
            if (!passed || load >= max || steps.size() >= maxSteps || clock.getAsLong() - began >= budgetNanos) {
                return steps;
            }
            load = next(load);
        }
    }

    /** The last step that passed, or null when none did. */
    static Step best(List<Step> steps) {
        Step best = null;
        for (Step step : steps) {
            if (step.passed()) {
                best = step;
            }
        }
        return best;
    }
}
