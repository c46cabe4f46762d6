// The cluster's fixed addresses, in a module of their own: netd (a process of its own, started
// with every engine) needs the DNS address, and importing network.ts for it loaded the ip
// runner, the sandbox and their imports as it started.

/** kube-dns' ClusterIP in a kubeadm cluster. */
export const DNS_IP = '10.96.0.10';
export const CLUSTER_DOMAIN = 'cluster.local';
