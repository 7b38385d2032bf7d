//! Per-token rate limiting: an in-memory token bucket per token hash, applied to uploads
//! and reports (reference: docs/server.md, "Rate limiting").
//!
//! The buckets live in one instance's memory, so each instance behind a load balancer
//! applies the limit on its own. The map is bounded: a bucket that has refilled to its
//! burst holds nothing a fresh bucket would not, so it is dropped when the map is swept.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

/// The most requests a token may send at once, whatever its per-minute rate.
pub const MAX_BURST: u32 = 30;

/// Most buckets kept; past it the least recently used bucket goes.
pub const MAX_BUCKETS: usize = 10_000;

/// How often full (idle) buckets are swept out.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// One token's bucket: `tokens` as of `updated`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// What the limiter decided about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// Refused; the next request may succeed after this many whole seconds.
    Limited {
        retry_after_secs: u64,
    },
}

/// The buckets of every token seen recently, refilled at `per_minute` a minute up to
/// `burst`.
#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    buckets: HashMap<String, Bucket>,
    last_sweep: Instant,
}

impl RateLimiter {
    /// A limiter of `per_minute` requests a minute per token, with a burst of a minute's
    /// worth but at most [`MAX_BURST`]; `None` when `per_minute` is 0 (no limit).
    pub fn per_minute(per_minute: u32) -> Option<RateLimiter> {
        (per_minute > 0).then(|| {
            RateLimiter::new(
                per_minute,
                per_minute.min(MAX_BURST),
                MAX_BUCKETS,
                Instant::now(),
            )
        })
    }

    fn new(per_minute: u32, burst: u32, capacity: usize, now: Instant) -> RateLimiter {
        RateLimiter {
            per_second: f64::from(per_minute) / 60.0,
            burst: f64::from(burst.max(1)),
            capacity: capacity.max(1),
            state: Mutex::new(State {
                buckets: HashMap::new(),
                last_sweep: now,
            }),
        }
    }

    /// Takes one request from the bucket of `key` (a token hash).
    pub fn check(&self, key: &str) -> Decision {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &str, now: Instant) -> Decision {
        // A poisoned lock only means another request panicked mid-update; the buckets are
        // still plain numbers, so keep using them.
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if now.saturating_duration_since(state.last_sweep) >= SWEEP_EVERY {
            self.sweep(&mut state, now);
        }
        if !state.buckets.contains_key(key) && state.buckets.len() >= self.capacity {
            self.sweep(&mut state, now);
            if state.buckets.len() >= self.capacity {
                let oldest = state
                    .buckets
                    .iter()
                    .min_by_key(|(_, b)| b.updated)
                    .map(|(k, _)| k.clone());
                if let Some(oldest) = oldest {
                    state.buckets.remove(&oldest);
                }
            }
        }
        let burst = self.burst;
        let bucket = state.buckets.entry(key.to_string()).or_insert(Bucket {
            tokens: burst,
            updated: now,
        });
        let tokens = self.refilled(bucket, now);
        bucket.updated = now.max(bucket.updated);
        if tokens >= 1.0 {
            bucket.tokens = tokens - 1.0;
            Decision::Allowed
        } else {
            bucket.tokens = tokens;
            let wait = (1.0 - tokens) / self.per_second;
            Decision::Limited {
                retry_after_secs: (wait.ceil() as u64).max(1),
            }
        }
    }

    fn refilled(&self, bucket: &Bucket, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        (bucket.tokens + elapsed * self.per_second).min(self.burst)
    }

    /// Drops the buckets that have refilled to the burst.
    fn sweep(&self, state: &mut State, now: Instant) {
        state
            .buckets
            .retain(|_, bucket| self.refilled(bucket, now) < self.burst);
        state.last_sweep = now;
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .buckets
            .len()
    }
}

/// The 429 answer: the API's error shape with `Retry-After` in whole seconds.
pub fn limited(retry_after_secs: u64) -> Response {
    let mut response = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        format!("too many requests with this token; retry in {retry_after_secs} s"),
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn the_burst_is_spent_then_one_request_per_refill_interval() {
        let start = Instant::now();
        // 6 a minute: one token every 10 s; burst 3.
        let limiter = RateLimiter::new(6, 3, 100, start);
        for _ in 0..3 {
            assert_eq!(limiter.check_at("a", start), Decision::Allowed);
        }
        assert_eq!(
            limiter.check_at("a", start),
            Decision::Limited {
                retry_after_secs: 10
            }
        );
        // 4 s later 0.4 of a token has come back: 6 s still to wait.
        assert_eq!(
            limiter.check_at("a", start + 4 * SECOND),
            Decision::Limited {
                retry_after_secs: 6
            }
        );
        assert_eq!(
            limiter.check_at("a", start + 10 * SECOND),
            Decision::Allowed
        );
        assert_eq!(
            limiter.check_at("a", start + 10 * SECOND),
            Decision::Limited {
                retry_after_secs: 10
            }
        );
        // Another token has its own bucket.
        assert_eq!(limiter.check_at("b", start), Decision::Allowed);
        // A long pause refills only up to the burst.
        let later = start + 3600 * SECOND;
        for _ in 0..3 {
            assert_eq!(limiter.check_at("a", later), Decision::Allowed);
        }
        assert!(matches!(
            limiter.check_at("a", later),
            Decision::Limited { .. }
        ));
    }

    #[test]
    fn retry_after_rounds_up_to_a_whole_second() {
        let start = Instant::now();
        // 120 a minute: a token every 0.5 s, so the wait of 0.5 s is announced as 1 s.
        let limiter = RateLimiter::new(120, 1, 100, start);
        assert_eq!(limiter.check_at("a", start), Decision::Allowed);
        assert_eq!(
            limiter.check_at("a", start),
            Decision::Limited {
                retry_after_secs: 1
            }
        );
    }

    #[test]
    fn burst_is_a_minute_of_requests_capped_and_zero_means_off() {
        assert!(RateLimiter::per_minute(0).is_none());
        let five = RateLimiter::per_minute(5).unwrap();
        assert_eq!(five.burst, 5.0);
        let sixty = RateLimiter::per_minute(60).unwrap();
        assert_eq!(sixty.burst, f64::from(MAX_BURST));
        assert_eq!(sixty.per_second, 1.0);
    }

    #[test]
    fn idle_buckets_are_swept_and_the_map_never_passes_its_capacity() {
        let start = Instant::now();
        let limiter = RateLimiter::new(60, 2, 4, start);
        for (n, key) in (0u32..).zip(["a", "b", "c", "d"]) {
            let at = start + SECOND * n / 10;
            assert_eq!(limiter.check_at(key, at), Decision::Allowed);
        }
        assert_eq!(limiter.len(), 4);
        // Full: a new key evicts the least recently used bucket, still not refilled.
        assert_eq!(limiter.check_at("a", start + SECOND / 2), Decision::Allowed);
        assert_eq!(limiter.check_at("e", start + SECOND / 2), Decision::Allowed);
        assert_eq!(limiter.len(), 4);
        // "b" was the oldest and is gone: it starts again with a full burst.
        // Kept, it would have had 1.4 tokens: one request, not two.
        assert_eq!(limiter.check_at("b", start + SECOND / 2), Decision::Allowed);
        assert_eq!(limiter.check_at("b", start + SECOND / 2), Decision::Allowed);
        assert!(matches!(
            limiter.check_at("b", start + SECOND / 2),
            Decision::Limited { .. }
        ));
        assert_eq!(limiter.len(), 4);
        // After a sweep interval every bucket has refilled and is dropped, except the one
        // just used.
        let later = start + SWEEP_EVERY + SECOND;
        assert_eq!(limiter.check_at("z", later), Decision::Allowed);
        assert_eq!(limiter.len(), 1);
        for n in 0..100 {
            limiter.check_at(&format!("k{n}"), later);
        }
        assert!(limiter.len() <= 4);
    }

    #[test]
    fn the_429_has_the_code_and_retry_after() {
        let response = limited(7);
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
        let error = response.extensions().get::<ApiError>().unwrap();
        assert_eq!(error.code, "rate_limited");
    }
}
