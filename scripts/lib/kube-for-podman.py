"""Turns rendered Kubernetes manifests into what podman 4.3's `kube play` runs, one file per Deployment.

    python3 kube-for-podman.py RENDERED.yaml OUT_DIR

Measured differences this bridges (podman 4.3 on Debian 12), nothing else changes:
  - Secrets: kube play stores them but cannot read them back for env (secretKeyRef/secretRef fail with "secret ... is
    not valid JSON"), so each Secret becomes a ConfigMap of the same keys and references point at it.
  - The downward API's status.podIP is refused ("fieldPath status.podIP is either not valid or not supported"): a silo
    advertises "auto" instead, its pod's host name, which resolves to the pod's address.
  - A containerPort without a hostPort is published on the host all the same (every silo's 8080, 11111 and 30000
    would collide, on all interfaces): only ports with a hostPort are kept, probes name their port by number.
  - Services, Ingresses and PodDisruptionBudgets have no podman counterpart: each pod joins the network under its
    Deployment's name (the Service names in these manifests are the Deployment names), and the API's hostPort
    stands in for the Ingress.
  - Names of the servers: podman's DNS server (aardvark-dns 1.4) answers the Service names, but it stops answering
    for seconds at a time while it reloads, which it does whenever a pod joins or leaves the network; a users silo
    that opened its first PostgreSQL connection then failed with "Resource temporarily unavailable" (EAI_AGAIN) and
    every signup of the walk-through answered 503. With KUBE_HOST_ALIASES ("name=address,..."; scripts/kube.sh gives
    the servers fixed addresses) every pod gets those names in /etc/hosts (the pod spec's hostAliases), so reaching
    a server needs no DNS query.
Writes OUT_DIR/configmap-<name>.yaml and OUT_DIR/<deployment>.yaml, and prints the Deployment names in file order.
"""
import base64
import os
import sys

import yaml

rendered, out = sys.argv[1], sys.argv[2]
docs = [d for d in yaml.safe_load_all(open(rendered, encoding="utf-8")) if d]
os.makedirs(out, exist_ok=True)

configmaps = []
deployments = []
for doc in docs:
    kind = doc["kind"]
    if kind == "Secret":
        data = dict(doc.get("stringData") or {})
        for key, value in (doc.get("data") or {}).items():
            data[key] = base64.b64decode(value).decode("utf-8")
        configmaps.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": doc["metadata"]["name"]}, "data": data})
    elif kind == "ConfigMap":
        configmaps.append(doc)
    elif kind == "Deployment":
        deployments.append(doc)
    # Service, Ingress, PodDisruptionBudget: see above.

aliases = [pair.split("=", 1) for pair in os.environ.get("KUBE_HOST_ALIASES", "").split(",") if pair]

for deployment in deployments:
    spec = deployment["spec"]["template"]["spec"]
    if aliases:
        spec["hostAliases"] = [{"ip": address, "hostnames": [name]} for name, address in aliases]
    for container in spec.get("containers", []):
        for env in container.get("env") or []:
            source = env.get("valueFrom") or {}
            if "secretKeyRef" in source:
                source["configMapKeyRef"] = source.pop("secretKeyRef")
            if source.get("fieldRef", {}).get("fieldPath") == "status.podIP":
                env.pop("valueFrom")
                env["value"] = "auto"
        numbers = {p["name"]: p["containerPort"] for p in container.get("ports") or [] if "name" in p}
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            for action in ("httpGet", "tcpSocket"):
                target = (container.get(probe) or {}).get(action)
                if target and isinstance(target.get("port"), str):
                    target["port"] = numbers[target["port"]]
        container["ports"] = [p for p in container.get("ports") or [] if "hostPort" in p]
        for source in container.get("envFrom") or []:
            if "secretRef" in source:
                source["configMapRef"] = source.pop("secretRef")
    name = deployment["metadata"]["name"]
    with open(os.path.join(out, f"{name}.yaml"), "w", encoding="utf-8") as f:
        yaml.safe_dump(deployment, f, sort_keys=False)
    print(name)

# One ConfigMap per file: `podman kube play --configmap FILE` reads the first document of a file only.
for configmap in configmaps:
    with open(os.path.join(out, f"configmap-{configmap['metadata']['name']}.yaml"), "w", encoding="utf-8") as f:
        yaml.safe_dump(configmap, f, sort_keys=False)
