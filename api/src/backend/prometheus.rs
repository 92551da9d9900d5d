//! SLO figures from any server speaking the Prometheus HTTP API
//! (`/api/v1/query`, `/api/v1/query_range`): one instant query for every
//! window and one range query for the sparkline per refresh.
//!
//! Responses are parsed strictly: a missing field, a non-numeric value or a
//! body over `http::MAX_BODY` is an error, never a panic or a made-up figure.

use std::collections::HashMap;

use reqwest::Url;
use runbook_widgets::contract::{Series, SeriesPoint, SloStatus};
use serde::Deserialize;

use super::http::{self, HttpUpstream};
use super::{Fetch, SloBackend, UpstreamError};
use crate::assemble::{self, SloFigures};
use crate::config::PrometheusConfig;
use crate::live::SloConfig;
use crate::promql::{self, SERIES_LABEL, SERIES_POINTS, SERIES_STEP_SECONDS};
use runbook_widgets::slo::BURN_WINDOWS;

pub struct PrometheusBackend {
    http: HttpUpstream,
    query_url: Url,
    range_url: Url,
}

impl PrometheusBackend {
    /// The HTTP client carries the timeout and the configured headers.
    pub fn new(
        config: &PrometheusConfig,
        timeout: std::time::Duration,
    ) -> Result<Self, UpstreamError> {
        Ok(PrometheusBackend {
            http: HttpUpstream::new(&config.headers, config.bearer_token_file.clone(), timeout)?,
            query_url: http::join(&config.url, "/api/v1/query", "Prometheus")?,
            range_url: http::join(&config.url, "/api/v1/query_range", "Prometheus")?,
        })
    }

    async fn figures(&self, slo: &SloConfig, now: i64) -> Result<SloFigures, UpstreamError> {
        let instant_params = [
            ("query", promql::instant_query(slo)),
            ("time", now.to_string()),
        ];
        let start = now - i64::from(SERIES_STEP_SECONDS) * i64::from(SERIES_POINTS - 1);
        let range_params = [
            ("query", promql::series_query(slo)),
            ("start", start.to_string()),
            ("end", now.to_string()),
            ("step", SERIES_STEP_SECONDS.to_string()),
        ];
        let instant = self.query(&self.query_url, &instant_params);
        let range = self.query(&self.range_url, &range_params);
        let (instant, range) = tokio::try_join!(instant, range)?;
        let values = tagged_values(instant)?;
        let window_sli = |label: &str| {
            let total = values
                .get(&format!("{label}:total"))
                .copied()
                .unwrap_or(0.0);
            // No numerator series with traffic present means zero such events.
            let numerator = values.get(&format!("{label}:num")).copied().unwrap_or(0.0);
            assemble::sli(&slo.indicator, numerator, total)
        };
        Ok(SloFigures {
            window_sli: window_sli("window"),
            burn_slis: BURN_WINDOWS.map(|(label, _)| window_sli(label)),
            series: series(range, start, now)?,
            latency_seconds: values.get("latency").copied().filter(|v| v.is_finite()),
        })
    }

    async fn query(&self, url: &Url, params: &[(&str, String)]) -> Result<Data, UpstreamError> {
        let mut url = url.clone();
        url.query_pairs_mut()
            .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())));
        let (status, body) = self.http.get(url).await?;
        // Prometheus answers 400/422 with a JSON error naming the problem;
        // other statuses (401, 502 from a proxy) may carry anything.
        let parsed: Result<Envelope, _> = serde_json::from_slice(&body);
        match parsed {
            Ok(Envelope {
                status: s,
                data: Some(data),
                ..
            }) if s == "success" && status.is_success() => Ok(data),
            Ok(Envelope {
                error_type: Some(error_type),
                error,
                ..
            }) => Err(UpstreamError::Query {
                error_type,
                message: error.unwrap_or_default(),
            }),
            _ if !status.is_success() => Err(UpstreamError::Status {
                status: status.as_u16(),
            }),
            Ok(_) => Err(UpstreamError::Malformed("success without data".into())),
            Err(e) => Err(UpstreamError::Malformed(e.to_string())),
        }
    }
}

impl SloBackend for PrometheusBackend {
    fn slo<'a>(&'a self, id: &'a str, slo: &'a SloConfig, now: i64) -> Fetch<'a, SloStatus> {
        Box::pin(async move {
            let figures = self.figures(slo, now).await?;
            Ok(assemble::slo_status(id, slo, figures))
        })
    }

    fn source(&self) -> &'static str {
        "prometheus"
    }
}

#[derive(Deserialize)]
struct Envelope {
    status: String,
    data: Option<Data>,
    #[serde(rename = "errorType")]
    error_type: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize)]
#[serde(tag = "resultType", content = "result", rename_all = "lowercase")]
enum Data {
    Vector(Vec<VectorSample>),
    Matrix(Vec<MatrixSeries>),
    Scalar(serde::de::IgnoredAny),
    String(serde::de::IgnoredAny),
}

#[derive(Deserialize)]
struct VectorSample {
    metric: HashMap<String, String>,
    value: SamplePair,
}

#[derive(Deserialize)]
struct MatrixSeries {
    values: Vec<SamplePair>,
}

/// `[1718323200.123, "42.5"]`: Prometheus writes values as strings so that
/// NaN and ±Inf survive JSON.
#[derive(Deserialize)]
struct SamplePair(f64, String);

impl SamplePair {
    fn value(&self) -> Result<f64, UpstreamError> {
        match self.1.as_str() {
            "NaN" => Ok(f64::NAN),
            "+Inf" => Ok(f64::INFINITY),
            "-Inf" => Ok(f64::NEG_INFINITY),
            text => text
                .parse()
                .map_err(|_| UpstreamError::Malformed(format!("sample value `{text}`"))),
        }
    }
}

/// The instant query's series by their tag. Counts must be finite and not
/// negative: anything else is a broken upstream, not a figure to show.
fn tagged_values(data: Data) -> Result<HashMap<String, f64>, UpstreamError> {
    let Data::Vector(samples) = data else {
        return Err(UpstreamError::Malformed(
            "expected an instant vector".into(),
        ));
    };
    let mut values = HashMap::new();
    for sample in samples {
        let tag = sample
            .metric
            .get(SERIES_LABEL)
            .ok_or_else(|| UpstreamError::Malformed(format!("series without {SERIES_LABEL}")))?;
        let value = sample.value.value()?;
        if tag != "latency" && !(value.is_finite() && value >= 0.0) {
            return Err(UpstreamError::Malformed(format!("count {value} for {tag}")));
        }
        values.insert(tag.clone(), value);
    }
    Ok(values)
}

/// Places the range query's points on the expected grid; a step without a
/// point (no traffic) stays `None`, so the sparkline keeps its length.
fn series(data: Data, start: i64, end: i64) -> Result<Series, UpstreamError> {
    let Data::Matrix(matrix) = data else {
        return Err(UpstreamError::Malformed("expected a range vector".into()));
    };
    if matrix.len() > 1 {
        return Err(UpstreamError::Malformed(
            "the SLI series split into several".into(),
        ));
    }
    let mut by_time = HashMap::new();
    for pair in matrix.iter().flat_map(|s| &s.values) {
        let value = pair.value()?;
        // 0/0 (no traffic in the step) is NaN: no point, not a broken upstream.
        if value.is_finite() {
            by_time.insert(pair.0.round() as i64, value.clamp(0.0, 1.0));
        }
    }
    let points = (start..=end)
        .step_by(SERIES_STEP_SECONDS as usize)
        .map(|t| SeriesPoint {
            t,
            sli: by_time.get(&t).copied(),
        })
        .collect();
    Ok(Series {
        step_seconds: SERIES_STEP_SECONDS,
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(json: &str) -> Data {
        serde_json::from_str::<Envelope>(json)
            .unwrap()
            .data
            .unwrap()
    }

    #[test]
    fn tagged_values_reads_strings_and_rejects_garbage() {
        let d = data(
            r#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"runbook_series":"5m:total"},"value":[1,"120"]},
            {"metric":{"runbook_series":"latency"},"value":[1,"NaN"]}]}}"#,
        );
        let v = tagged_values(d).unwrap();
        assert_eq!(v["5m:total"], 120.0);
        assert!(v["latency"].is_nan());
        let d = data(
            r#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{"runbook_series":"5m:total"},"value":[1,"-3"]}]}}"#,
        );
        assert!(tagged_values(d).is_err());
        let d = data(
            r#"{"status":"success","data":{"resultType":"vector","result":[
            {"metric":{},"value":[1,"3"]}]}}"#,
        );
        assert!(tagged_values(d).is_err());
    }

    #[test]
    fn series_keeps_its_grid_when_points_are_missing() {
        let d = data(
            r#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{},"values":[[1800,"0.5"],[5400,"NaN"]]}]}}"#,
        );
        let s = series(d, 1800, 5400).unwrap();
        let slis: Vec<_> = s.points.iter().map(|p| (p.t, p.sli)).collect();
        assert_eq!(slis, [(1800, Some(0.5)), (3600, None), (5400, None)]);
    }

    #[test]
    fn a_wrong_shape_is_an_error() {
        assert!(serde_json::from_str::<Envelope>(
            r#"{"status":"success","data":{"resultType":"vector","result":{}}}"#
        )
        .is_err());
        let d = data(r#"{"status":"success","data":{"resultType":"scalar","result":[1,"2"]}}"#);
        assert!(tagged_values(d).is_err());
    }
}
