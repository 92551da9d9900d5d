//! Workloads from the Kubernetes API through kube-rs: the configured
//! Deployment, its HPA and the pods matching its selector, in its namespace
//! and nowhere else. Needs only get/list on those three kinds.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use runbook_widgets::contract::WorkloadStatus;

use super::{Fetch, UpstreamError, WorkloadBackend};
use crate::config::KubernetesConfig;
use crate::kubectl;
use crate::live::WorkloadConfig;

pub struct KubernetesBackend {
    client: kube::Client,
}

impl KubernetesBackend {
    /// From the named kubeconfig, else in-cluster or the default kubeconfig.
    pub async fn connect(
        config: &KubernetesConfig,
        timeout: std::time::Duration,
    ) -> Result<Self, UpstreamError> {
        crate::install_crypto_provider();
        let options = KubeConfigOptions {
            context: config.context.clone(),
            ..KubeConfigOptions::default()
        };
        let mut client_config = match &config.kubeconfig {
            Some(path) => {
                let kubeconfig = Kubeconfig::read_from(path).map_err(kube_error)?;
                kube::Config::from_custom_kubeconfig(kubeconfig, &options)
                    .await
                    .map_err(kube_error)?
            }
            None if config.context.is_some() => kube::Config::from_kubeconfig(&options)
                .await
                .map_err(kube_error)?,
            None => kube::Config::infer().await.map_err(kube_error)?,
        };
        client_config.connect_timeout = Some(timeout);
        client_config.read_timeout = Some(timeout);
        let client = kube::Client::try_from(client_config).map_err(kube_error)?;
        Ok(KubernetesBackend { client })
    }

    async fn read(
        &self,
        id: &str,
        workload: &WorkloadConfig,
        now: i64,
    ) -> Result<WorkloadStatus, UpstreamError> {
        let namespace = workload.namespace.as_str();
        let deployments: Api<Deployment> = Api::namespaced(self.client.clone(), namespace);
        let pods: Api<Pod> = Api::namespaced(self.client.clone(), namespace);
        let hpas: Api<HorizontalPodAutoscaler> = Api::namespaced(self.client.clone(), namespace);
        let list = ListParams::default().labels(&workload.selector);
        let hpa = async {
            match &workload.hpa {
                Some(name) => hpas.get(name).await.map(Some),
                None => Ok(None),
            }
        };
        let (deployment, pods, hpa) =
            tokio::try_join!(deployments.get(&workload.deployment), pods.list(&list), hpa)
                .map_err(kube_error)?;
        Ok(kubectl::workload_status(
            id,
            workload,
            &deployment,
            &pods.items,
            hpa.as_ref(),
            now,
        ))
    }
}

impl WorkloadBackend for KubernetesBackend {
    fn workload<'a>(
        &'a self,
        id: &'a str,
        workload: &'a WorkloadConfig,
        now: i64,
    ) -> Fetch<'a, WorkloadStatus> {
        Box::pin(self.read(id, workload, now))
    }

    fn source(&self) -> &'static str {
        "kubernetes"
    }
}

fn kube_error(e: impl std::fmt::Display) -> UpstreamError {
    UpstreamError::Kubernetes(e.to_string())
}
