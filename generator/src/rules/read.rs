//! Reading alert rules from YAML: Prometheus rule files (`groups:`, as
//! Prometheus, Thanos Ruler, Mimir and Loki read them) and Kubernetes
//! `PrometheusRule` objects (`spec.groups`, as the Prometheus Operator and
//! kube-prometheus ship them), any number per file. Recording rules are
//! counted and passed over. Only YAML is read: a Jsonnet source is named
//! with how to render it.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_yaml::Value;

use super::locate::Locator;
use super::{AlertRule, Rules, RunbookLink};
use crate::error::{Location, Warning};

/// The annotations that carry a rule's runbook, in the order preferred:
/// `runbook_url` is the Prometheus community's key, `runbook` an older one.
pub const RUNBOOK_KEYS: [&str; 2] = ["runbook_url", "runbook"];

/// Reads every rule file in `paths`: files as given, folders walked for
/// `.yaml`/`.yml` files (in name order, so reports are stable).
pub fn read(paths: &[PathBuf]) -> Rules {
    let mut rules = Rules::default();
    for path in paths {
        if path.is_dir() {
            let walker = walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file());
            for entry in walker {
                match extension(entry.path()).as_str() {
                    "yaml" | "yml" => read_file(entry.path(), false, &mut rules),
                    "jsonnet" | "libsonnet" => rules.problems.push(jsonnet(entry.path())),
                    _ => {}
                }
            }
        } else {
            read_file(path, true, &mut rules);
        }
    }
    rules
}

fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

fn jsonnet(path: &Path) -> Warning {
    Warning {
        at: Location::new(path, 1, 1),
        message: "Jsonnet is not read: rules are read from YAML only".into(),
        hint: "render it to YAML first (`jsonnet -S`, or `mixtool generate rules` for a mixin) and pass that file".into(),
    }
}

/// Reads one file; `named` says the user named it (a file found in a
/// folder that holds no rules is passed over quietly).
fn read_file(path: &Path, named: bool, rules: &mut Rules) {
    if matches!(extension(path).as_str(), "jsonnet" | "libsonnet") {
        rules.problems.push(jsonnet(path));
        return;
    }
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            rules.problems.push(Warning {
                at: Location::new(path, 1, 1),
                message: format!("cannot read the rule file: {e}"),
                hint: "check the path given to --rules (or `rules:` in runbook.yaml)".into(),
            });
            return;
        }
    };
    let found = read_text(path, &text, rules);
    if found {
        rules.files += 1;
    } else if named && rules.problems.last().is_none_or(|p| p.at.path != path) {
        rules.problems.push(Warning {
            at: Location::new(path, 1, 1),
            message:
                "no rule groups: neither a Prometheus rule file (`groups:`) nor a `PrometheusRule`"
                    .into(),
            hint: "pass a rule file, or a folder of them".into(),
        });
    }
}

/// Reads every YAML document of `text`; true when one held rule groups.
pub fn read_text(path: &Path, text: &str, rules: &mut Rules) -> bool {
    let locator = Locator::new(text);
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut found = false;
    for document in serde_yaml::Deserializer::from_str(text) {
        let value = match Value::deserialize(document) {
            Ok(value) => value,
            Err(e) => {
                let (line, column) = e
                    .location()
                    .map(|l| (l.line(), l.column()))
                    .unwrap_or((1, 1));
                rules.problems.push(Warning {
                    at: Location::new(path, line, column),
                    message: format!("not valid YAML: {}", strip_location(&e.to_string())),
                    hint: "a rule file is YAML; a template (Helm, Jsonnet) must be rendered first, and `{{ }}` in a value quoted".into(),
                });
                // The parser cannot resume after a syntax error.
                return found;
            }
        };
        let Some(groups) = groups_of(&value) else {
            continue;
        };
        found = true;
        let mut context = Context {
            path,
            text,
            locator: &locator,
            seen: &mut seen,
            rules,
        };
        for groups in groups {
            context.groups(groups);
        }
    }
    found
}

/// The `groups:` lists of one document: a rule file's own, a
/// `PrometheusRule`'s `spec.groups`, or those of each `PrometheusRule` in
/// a `kind: List`. `None` for any other document (a ConfigMap, a Service).
fn groups_of(document: &Value) -> Option<Vec<&Value>> {
    let kind = document.get("kind").and_then(Value::as_str);
    match kind {
        Some("PrometheusRule") => document.get("spec")?.get("groups").map(|g| vec![g]),
        Some("List") => {
            let groups: Vec<&Value> = document
                .get("items")?
                .as_sequence()?
                .iter()
                .filter_map(groups_of)
                .flatten()
                .collect();
            (!groups.is_empty()).then_some(groups)
        }
        Some(_) => None,
        None => document.get("groups").map(|g| vec![g]),
    }
}

struct Context<'a, 'r> {
    path: &'a Path,
    text: &'a str,
    locator: &'a Locator<'a>,
    /// How many rules of each alert name were read so far in this file.
    seen: &'a mut HashMap<String, usize>,
    rules: &'r mut Rules,
}

impl Context<'_, '_> {
    fn problem(&mut self, key: &str, message: String, hint: &str) {
        let line = crate::yaml_lines::line_of(self.text, key);
        self.rules.problems.push(Warning {
            at: Location::new(self.path, line, 1),
            message,
            hint: hint.into(),
        });
    }

    fn groups(&mut self, groups: &Value) {
        let Some(groups) = groups.as_sequence() else {
            if !groups.is_null() {
                self.problem(
                    "groups",
                    "`groups` is not a list".into(),
                    "write `groups:` as a list of `- name: …` items, each with `rules:`",
                );
            }
            return;
        };
        for group in groups {
            let name = group.get("name").map(scalar).unwrap_or_default();
            match group.get("rules") {
                Some(Value::Sequence(list)) => {
                    for rule in list {
                        self.rule(&name, rule);
                    }
                }
                None | Some(Value::Null) => {}
                Some(_) => self.problem(
                    "rules",
                    format!("the `rules` of group `{name}` is not a list"),
                    "write `rules:` as a list of `- alert: …` or `- record: …` items",
                ),
            }
        }
    }

    fn rule(&mut self, group: &str, rule: &Value) {
        if rule.get("record").is_some() {
            self.rules.recording += 1;
            return;
        }
        let Some(name) = rule.get("alert").map(scalar) else {
            self.problem(
                "rules",
                format!("a rule of group `{group}` has neither `alert` nor `record`"),
                "give each rule `alert: Name` (an alert) or `record: name` (a recording rule)",
            );
            return;
        };
        let nth = self.seen.entry(name.clone()).or_insert(0);
        let (line, column) = self.locator.alert(&name, *nth);
        *nth += 1;
        let map = |key: &str| -> BTreeMap<String, String> {
            rule.get(key)
                .and_then(Value::as_mapping)
                .map(|m| m.iter().map(|(k, v)| (scalar(k), scalar(v))).collect())
                .unwrap_or_default()
        };
        let annotations = map("annotations");
        let runbook = RUNBOOK_KEYS.iter().find_map(|key| {
            let url = annotations.get(*key)?.trim();
            let (l, c) = self
                .locator
                .key_in_rule(line, key)
                .unwrap_or((line, column));
            Some(RunbookLink {
                key: (*key).into(),
                url: url.into(),
                at: Location::new(self.path, l, c),
            })
        });
        let (l, c) = self
            .locator
            .key_in_rule(line, "severity")
            .unwrap_or((line, column));
        let severity_at = Location::new(self.path, l, c);
        self.rules.alerts.push(AlertRule {
            severity_at,
            expr: rule.get("expr").map(scalar).unwrap_or_default(),
            for_: rule.get("for").map(scalar),
            labels: map("labels"),
            annotations,
            group: group.into(),
            at: Location::new(self.path, line, column),
            runbook,
            name,
        });
    }
}

/// A scalar as text (`5m`, `0.9`, `true`); anything else as YAML.
fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// serde_yaml appends " at line X column Y"; the location is shown first.
fn strip_location(message: &str) -> &str {
    message.find(" at line ").map_or(message, |i| &message[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(text: &str) -> Rules {
        let mut rules = Rules::default();
        if read_text(Path::new("r.yaml"), text, &mut rules) {
            rules.files += 1;
        }
        rules
    }

    #[test]
    fn a_prometheus_rule_file_gives_its_alerts_and_skips_recording_rules() {
        let rules = read_str(
            "groups:\n\
             - name: api\n  rules:\n\
             \x20 - record: job:errors:rate5m\n    expr: sum(rate(errors[5m]))\n\
             \x20 - alert: HighErrors\n    expr: job:errors:rate5m > 0.05\n    for: 5m\n\
             \x20   labels:\n      severity: critical\n      priority: 1\n\
             \x20   annotations:\n      summary: Errors\n      runbook_url: https://s/alerts/HighErrors.html\n",
        );
        assert_eq!(rules.problems, vec![]);
        assert_eq!(
            (rules.files, rules.recording, rules.alerts.len()),
            (1, 1, 1)
        );
        let alert = &rules.alerts[0];
        assert_eq!(alert.name, "HighErrors");
        assert_eq!(alert.group, "api");
        assert_eq!(alert.expr, "job:errors:rate5m > 0.05");
        assert_eq!(alert.for_.as_deref(), Some("5m"));
        assert_eq!(alert.labels["severity"], "critical");
        assert_eq!(alert.labels["priority"], "1");
        assert_eq!(alert.summary(), Some("Errors"));
        assert_eq!(alert.at.to_string(), "r.yaml:6:5");
        let link = alert.runbook.as_ref().unwrap();
        assert_eq!(
            (link.key.as_str(), link.url.as_str()),
            ("runbook_url", "https://s/alerts/HighErrors.html")
        );
        assert_eq!(link.at.to_string(), "r.yaml:14:7");
    }

    #[test]
    fn prometheus_rule_objects_many_per_file_among_other_kinds() {
        let text = "\
apiVersion: v1
kind: ConfigMap
metadata: {name: x}
data: {groups: none}
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: one
spec:
  groups:
    - name: a
      rules:
        - alert: A
          expr: up == 0
          annotations:
            runbook: https://s/a
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: two
spec:
  groups:
    - name: b
      rules:
        - record: r
          expr: sum(up)
        - alert: A
          expr: up == 0
          labels:
            severity: warning
---
";
        let rules = read_str(text);
        assert_eq!(rules.problems, vec![]);
        assert_eq!((rules.recording, rules.alerts.len()), (1, 2));
        let lines: Vec<String> = rules.alerts.iter().map(|a| a.at.to_string()).collect();
        assert_eq!(lines, ["r.yaml:14:11", "r.yaml:29:11"]);
        assert_eq!(rules.alerts[0].runbook.as_ref().unwrap().key, "runbook");
        assert_eq!(rules.alerts[0].runbook.as_ref().unwrap().at.line, 17);
        assert_eq!(rules.alerts[1].group, "b");
        assert_eq!(rules.all("A").count(), 2);
    }

    #[test]
    fn a_kubectl_list_of_prometheus_rules_is_read() {
        let text = "kind: List\nitems:\n- kind: PrometheusRule\n  spec:\n    groups:\n    - name: g\n      rules:\n      - alert: X\n        expr: vector(1)\n";
        let rules = read_str(text);
        assert_eq!(rules.alerts.len(), 1);
        assert_eq!(rules.alerts[0].at.to_string(), "r.yaml:8:9");
    }

    #[test]
    fn unreadable_yaml_and_jsonnet_are_named_with_a_fix() {
        let rules = read_str("groups:\n- name: a\n  rules:\n  - alert: X\n    expr: {{ $labels.x }}\n      bad: indent\n");
        assert_eq!(rules.problems.len(), 1, "{:?}", rules.problems);
        assert!(rules.problems[0].message.starts_with("not valid YAML"));
        assert_eq!(rules.problems[0].at.line, 6);

        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("mixin.libsonnet"), "{}").unwrap();
        std::fs::write(dir.path().join("Chart.yaml"), "name: x\n").unwrap();
        std::fs::write(dir.path().join("a.yml"), "groups: []\n").unwrap();
        let rules = read(&[dir.path().to_path_buf(), dir.path().join("Chart.yaml")]);
        assert_eq!(rules.files, 1, "a.yml; Chart.yaml holds no rules");
        let messages: Vec<&str> = rules.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("Jsonnet is not read"));
        assert!(messages[1].starts_with("no rule groups"));
    }

    #[test]
    fn structural_mistakes_are_placed_at_their_key() {
        let rules = read_str("# x\ngroups:\n- name: a\n  rules:\n  - expr: up\n");
        assert_eq!(rules.problems.len(), 1);
        assert_eq!(rules.problems[0].at.line, 4);
        assert!(rules.problems[0]
            .message
            .contains("neither `alert` nor `record`"));
        let rules = read_str("groups: {a: 1}\n");
        assert_eq!(rules.problems[0].message, "`groups` is not a list");
    }
}
