// SPDX-License-Identifier: GPL-2.0-or-later
#include "capture/analysis_worker.hpp"

#include <algorithm>
#include <exception>

#include <poll.h>
#include <pthread.h>

#include "event_fd.hpp"

namespace cmrd::capture {
AnalysisWorker::AnalysisWorker(FrameRing& ring, cmr::Analyzer& analyzer,
                               TripleBuffer<CaptureSnapshot>& results, SharedStatus& status)
    : ring_(ring), analyzer_(analyzer), results_(results), status_(status),
      stop_fd_(common::make_event_fd())
{}

AnalysisWorker::~AnalysisWorker()
{
    stop();
}

void AnalysisWorker::start()
{
    thread_ = std::thread([this] { run(); });
    // Shown by top -H and ps -L beside the capture thread; at most 15 characters.
    pthread_setname_np(thread_.native_handle(), "cmrd-analysis");
}

void AnalysisWorker::stop()
{
    if (stopping_.exchange(true))
        return;
    common::signal_event_fd(stop_fd_.get());
    if (thread_.joinable())
        thread_.join();
}

void AnalysisWorker::run() noexcept
{
    pollfd fd{stop_fd_.get(), POLLIN, 0};
    for (;;) {
        // Read stopping_ before draining: frames pushed before stop() are analysed, so a
        // stopped engine's last snapshot covers everything it captured.
        const bool last_round = stopping_.load(std::memory_order_acquire);
        drain();
        if (last_round)
            return;
        // Ends early only for stop(), which stays signalled: the next round is the last.
        (void)::poll(&fd, 1, drain_interval_ms);
    }
}

void AnalysisWorker::drain() noexcept
{
    try {
        for (FrameRing::Readable ready = ring_.readable(); ready.size() > 0;
             ready = ring_.readable()) {
            const auto on_snapshot = [this](const cmr::Snapshot& snapshot) { publish(snapshot); };
            analyzer_.feed(ready.first, on_snapshot);
            if (!ready.second.empty())
                analyzer_.feed(ready.second, on_snapshot);
            ring_.pop(ready.size());
        }
    } catch (const std::exception& e) {
        // cmr::Analyzer::feed does not throw on frames; if it ever did, say so rather than end
        // the thread and silently stop measuring.
        status_.set_analysis_error(e.what());
        ring_.pop(ring_.readable().size());
    }
}

void AnalysisWorker::publish(const cmr::Snapshot& snapshot) noexcept
{
    CaptureSnapshot& slot = results_.write_slot();
    slot.sequence = ++sequence_;
    slot.time_s = snapshot.time_s;
    slot.mains_hz = snapshot.mains_hz;
    // Element-wise assignment into the slot's pre-sized vector: no allocation.
    const std::size_t n = std::min(slot.channels.size(), snapshot.channels.size());
    std::copy_n(snapshot.channels.begin(), n, slot.channels.begin());
    results_.publish();
    status_.set_snapshots(sequence_);
    status_.notify();
}

} // namespace cmrd::capture
