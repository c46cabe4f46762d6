// kjob-shim --pod-net and --node-net: new network namespaces, the pods' and a state directory's
// node's, set up as network.ts's runs of `ip` set them up (flushFresh: `netns add`, nodeSide,
// podSide; ensureNode), by netlink from this one small static process; and --netns-del, their
// removal as `ip netns del` does it.
//
// Why: a run of `ip` is mostly its own start (its libraries: about 7 ms of CPU a run on the
// development machine, whose page-table work is expensive), and a fresh namespace took three of
// them, one after the other: 38 runs of `ip` and their perl forks were 5.3% of the machine's CPU
// in a Job of 300 (nearly all at its start, while its first 16 pods wait for their namespaces),
// and on a cold start the node's namespace and then the pod's were about 100 ms of the way from
// `apply` to its container (five runs of ip, one after the other).
//
// Run as: kjob-shim --pod-net NODE_NS BRIDGE GATEWAY SERVICE_NET/PREFIX [POD_NS HOST_VETH IP]...
// For each pod namespace, in the order of the ip runs it replaces:
//   ip netns add POD_NS                                         (every one first)
//   ip -n NODE_NS neigh flush to IP dev BRIDGE                  (the node's sides next)
//   ip -n NODE_NS link add HOST_VETH type veth peer name eth0 netns POD_NS
//   ip -n NODE_NS link set HOST_VETH master BRIDGE up
//   ip -n POD_NS link set lo up                                 (then each pod's own side)
//   ip -n POD_NS addr add IP/24 dev eth0
//   ip -n POD_NS link set eth0 up
//   ip -n POD_NS route add SERVICE_NET/SERVICE_PREFIX via GATEWAY
// The first failure ends it: its message on stderr names the ip command it stands for, with ip's
// "RTNETLINK answers: ..." words, and the exit status is 1 (network.ts then sets each pod's
// namespace up alone, by ip, as after a failed run of ip). What was made before it stays, as it
// stayed after a failed ip run.

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>

/** Where `ip netns` keeps its namespaces' files (network.ts NETNS_DIR). */
#define NETNS_RUN_DIR "/run/netns"

/** A failed netlink request, in the words of the ip command it stands for. */
static void say_failed(const char *what, int err) { dprintf(2, "ip %s: RTNETLINK answers: %s\n", what, strerror(err)); }

static void pod_net_fail(const char *what, int err) {
  say_failed(what, err);
  exit(1);
}

/* ---- a netlink request: header, body, attributes (nested ones too) ---- */

struct nlreq {
  struct nlmsghdr *h;
  char buf[2048];
};

static void *nl_start(struct nlreq *r, int type, int flags, size_t body) {
  memset(r->buf, 0, sizeof r->buf);
  r->h = (struct nlmsghdr *)r->buf;
  r->h->nlmsg_len = NLMSG_LENGTH(body);
  r->h->nlmsg_type = type;
  r->h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
  return NLMSG_DATA(r->h);
}

static struct rtattr *nl_attr(struct nlreq *r, int type, const void *data, size_t len) {
  struct rtattr *a = (struct rtattr *)(r->buf + NLMSG_ALIGN(r->h->nlmsg_len));
  a->rta_type = type;
  a->rta_len = RTA_LENGTH(len);
  if (len) memcpy(RTA_DATA(a), data, len);
  r->h->nlmsg_len = NLMSG_ALIGN(r->h->nlmsg_len) + RTA_ALIGN(a->rta_len);
  return a;
}

static void nl_str(struct nlreq *r, int type, const char *s) { nl_attr(r, type, s, strlen(s) + 1); }

/** A nest's end: its length now covers what was added since it began. */
static void nl_end(struct nlreq *r, struct rtattr *nest) { nest->rta_len = (unsigned short)(r->buf + r->h->nlmsg_len - (char *)nest); }

/** Sends r on the rtnetlink socket fd and reads its ack: 0, or the kernel's errno. */
static int nl_talk(int fd, struct nlreq *r) {
  static unsigned seq;
  r->h->nlmsg_seq = ++seq;
  struct sockaddr_nl to = {.nl_family = AF_NETLINK};
  if (sendto(fd, r->buf, r->h->nlmsg_len, 0, (struct sockaddr *)&to, sizeof to) < 0) return errno;
  for (;;) {
    char reply[8192];
    ssize_t n = recv(fd, reply, sizeof reply, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return EIO; // never from the kernel; not a loop if it were
    for (struct nlmsghdr *h = (struct nlmsghdr *)reply; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_seq != r->h->nlmsg_seq || h->nlmsg_type != NLMSG_ERROR) continue;
      return -((struct nlmsgerr *)NLMSG_DATA(h))->error;
    }
  }
}

/** An rtnetlink socket in the network namespace the process is in now (a socket stays in its namespace). */
static int nl_open(void) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  struct sockaddr_nl me = {.nl_family = AF_NETLINK};
  if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof me) != 0) pod_net_fail("(netlink socket)", errno);
  return fd;
}

/** ip link set DEV [master MASTER] up: by index, as ip sends it. */
static int link_up(int fd, int index, int master) {
  struct nlreq r;
  struct ifinfomsg *ifi = nl_start(&r, RTM_NEWLINK, 0, sizeof *ifi);
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = index;
  ifi->ifi_change = IFF_UP;
  ifi->ifi_flags = IFF_UP;
  if (master) nl_attr(&r, IFLA_MASTER, &master, sizeof master);
  return nl_talk(fd, &r);
}

/** ip addr add IP/PREFIX dev DEV (by index): IFA_LOCAL and IFA_ADDRESS both the address, as ip sends them. */
static int addr_add(int fd, int index, in_addr_t a, int prefix) {
  struct nlreq r;
  struct ifaddrmsg *ifa = nl_start(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifa);
  ifa->ifa_family = AF_INET;
  ifa->ifa_prefixlen = (unsigned char)prefix;
  ifa->ifa_index = index;
  nl_attr(&r, IFA_LOCAL, &a, sizeof a);
  nl_attr(&r, IFA_ADDRESS, &a, sizeof a);
  return nl_talk(fd, &r);
}

/**
 * ip route add [local] NET/PREFIX (via GATEWAY | dev DEV): ip's defaults, protocol boot; a unicast
 * route in table main, scope universe; a local one in table local, scope host.
 */
static int route_add(int fd, int type, in_addr_t dst, int prefix, in_addr_t via, int oif) {
  struct nlreq r;
  struct rtmsg *rt = nl_start(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof *rt);
  rt->rtm_family = AF_INET;
  rt->rtm_dst_len = (unsigned char)prefix;
  rt->rtm_table = type == RTN_LOCAL ? RT_TABLE_LOCAL : RT_TABLE_MAIN;
  rt->rtm_protocol = RTPROT_BOOT;
  rt->rtm_scope = type == RTN_LOCAL ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
  rt->rtm_type = (unsigned char)type;
  nl_attr(&r, RTA_DST, &dst, sizeof dst);
  if (via) nl_attr(&r, RTA_GATEWAY, &via, sizeof via);
  if (oif) nl_attr(&r, RTA_OIF, &oif, sizeof oif);
  return nl_talk(fd, &r);
}

/** An interface's index in the process's network namespace, or the failure's words. */
static int index_of(const char *dev, const char *what) {
  unsigned i = if_nametoindex(dev);
  if (!i) {
    dprintf(2, "ip %s: Cannot find device \"%s\"\n", what, dev);
    exit(1);
  }
  return (int)i;
}

/** The network namespace file of name under /run/netns, open; the failure's words otherwise. */
static int open_netns(const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", NETNS_RUN_DIR, name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    dprintf(2, "Cannot open network namespace \"%s\": %s\n", name, strerror(errno));
    exit(1);
  }
  return fd;
}

static void enter_netns(int fd, const char *name) {
  if (setns(fd, CLONE_NEWNET) != 0) {
    dprintf(2, "setting the network namespace \"%s\" failed: %s\n", name, strerror(errno));
    exit(1);
  }
}

/**
 * ip netns add NAME, as iproute2 does it: /run/netns a shared mount point (bound onto itself the
 * first time, so that a namespace's mount made here is seen from every mount namespace), a file
 * made for the namespace, a new network namespace, and that namespace bound onto the file. The
 * process is left in the new namespace; a failure removes the file, as ip does.
 */
static void netns_add(const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", NETNS_RUN_DIR, name);
  if (mkdir(NETNS_RUN_DIR, 0755) != 0 && errno != EEXIST) {
    dprintf(2, "mkdir %s failed: %s\n", NETNS_RUN_DIR, strerror(errno));
    exit(1);
  }
  int bound = 0;
  while (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) != 0) {
    if (errno != EINVAL || bound) {
      dprintf(2, "\"mount --make-shared %s\" failed: %s\n", NETNS_RUN_DIR, strerror(errno));
      exit(1);
    }
    if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL) != 0) {
      dprintf(2, "mount --bind %s %s failed: %s\n", NETNS_RUN_DIR, NETNS_RUN_DIR, strerror(errno));
      exit(1);
    }
    bound = 1;
  }
  int fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
  if (fd < 0) {
    dprintf(2, "Cannot create namespace file \"%s\": %s\n", path, strerror(errno));
    exit(1);
  }
  close(fd);
  if (unshare(CLONE_NEWNET) != 0) {
    int e = errno;
    unlink(path);
    dprintf(2, "Failed to create a new network namespace \"%s\": %s\n", name, strerror(e));
    exit(1);
  }
  if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL) != 0) {
    int e = errno;
    unlink(path);
    dprintf(2, "Bind /proc/self/ns/net -> %s failed: %s\n", path, strerror(e));
    exit(1);
  }
}

static in_addr_t ipv4(const char *s) {
  struct in_addr a;
  if (inet_pton(AF_INET, s, &a) != 1) {
    dprintf(2, "kjob-shim --pod-net: not an IPv4 address: %s\n", s);
    exit(2);
  }
  return a.s_addr;
}

/** The node's side of one pod's veth (network.ts nodeSide), in the node's namespace on socket fd. */
static void node_side(int fd, const char *node, const char *bridge, const char *pns, const char *host, const char *ip) {
  char what[4200];
  snprintf(what, sizeof what, "-n %s neigh flush to %s dev %s", node, ip, bridge);
  int br = index_of(bridge, what);
  in_addr_t a = ipv4(ip);
  // ip neigh flush to IP dev BRIDGE: the node's entry for a pod that had the address before.
  struct nlreq r;
  struct ndmsg *nd = nl_start(&r, RTM_DELNEIGH, 0, sizeof *nd);
  nd->ndm_family = AF_INET;
  nd->ndm_ifindex = br;
  nl_attr(&r, NDA_DST, &a, sizeof a);
  int err = nl_talk(fd, &r);
  if (err && err != ENOENT) pod_net_fail(what, err);
  // ip link add HOST type veth peer name eth0 netns POD_NS
  int pfd = open_netns(pns);
  struct ifinfomsg *ifi = nl_start(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifi);
  ifi->ifi_family = AF_UNSPEC;
  nl_str(&r, IFLA_IFNAME, host);
  struct rtattr *info = nl_attr(&r, IFLA_LINKINFO, NULL, 0);
  nl_str(&r, IFLA_INFO_KIND, "veth");
  struct rtattr *data = nl_attr(&r, IFLA_INFO_DATA, NULL, 0);
  struct rtattr *peer = nl_attr(&r, VETH_INFO_PEER, NULL, 0);
  r.h->nlmsg_len += sizeof(struct ifinfomsg); // the peer's own ifinfomsg, zeroed
  nl_str(&r, IFLA_IFNAME, "eth0");
  nl_attr(&r, IFLA_NET_NS_FD, &pfd, sizeof pfd);
  nl_end(&r, peer);
  nl_end(&r, data);
  nl_end(&r, info);
  err = nl_talk(fd, &r);
  close(pfd);
  snprintf(what, sizeof what, "-n %s link add %s type veth peer name eth0 netns %s", node, host, pns);
  if (err) pod_net_fail(what, err);
  snprintf(what, sizeof what, "-n %s link set %s master %s up", node, host, bridge);
  err = link_up(fd, index_of(host, what), br);
  if (err) pod_net_fail(what, err);
}

/**
 * The pod's side (network.ts podSide), in the pod's namespace, which the process is in, on socket
 * fd: 0, or the first failure's errno, its ip command into what.
 */
static int pod_side_steps(int fd, const char *pns, const char *ip, const char *gateway, const char *service, in_addr_t service_net, int service_prefix, char *what, size_t cap) {
  snprintf(what, cap, "-n %s link set lo up", pns);
  int lo = (int)if_nametoindex("lo");
  int err = lo ? link_up(fd, lo, 0) : ENODEV;
  if (err) return err;
  snprintf(what, cap, "-n %s addr add %s/24 dev eth0", pns, ip);
  int eth0 = (int)if_nametoindex("eth0");
  if (!eth0) return ENODEV;
  if ((err = addr_add(fd, eth0, ipv4(ip), 24))) return err;
  snprintf(what, cap, "-n %s link set eth0 up", pns);
  if ((err = link_up(fd, eth0, 0))) return err;
  snprintf(what, cap, "-n %s route add %s via %s", pns, service, gateway);
  return route_add(fd, RTN_UNICAST, service_net, service_prefix, ipv4(gateway), 0);
}

/**
 * pod_side_steps on a socket of its own: 1 once one of them failed, said on stderr when say.
 * Unlike the node's side, a failure does not end the program: the next pod's own side is still
 * set up, as its own run of ip was.
 */
static int pod_side(const char *pns, const char *ip, const char *gateway, const char *service, in_addr_t service_net, int service_prefix, int say) {
  char what[4200];
  int fd = nl_open();
  int err = pod_side_steps(fd, pns, ip, gateway, service, service_net, service_prefix, what, sizeof what);
  close(fd);
  if (err && say) say_failed(what, err);
  return err != 0;
}

/** NET/PREFIX: the network's address and prefix length, or the usage's words. */
static void parse_net(const char *s, in_addr_t *net, int *prefix) {
  char addr[64];
  snprintf(addr, sizeof addr, "%s", s);
  char *slash = strchr(addr, '/');
  if (!slash) {
    dprintf(2, "kjob-shim: not a network: %s\n", s);
    exit(2);
  }
  *slash = 0;
  *net = ipv4(addr);
  *prefix = atoi(slash + 1);
}

static void check_ns_name(const char *name) {
  if (strchr(name, '/') || name[0] == '.' || !name[0] || strlen(name) > 255) {
    dprintf(2, "kjob-shim: not a namespace name: %s\n", name);
    exit(2);
  }
}

/** An interface name the kernel takes (IFNAMSIZ with its NUL), as ip checks it. */
static void check_dev_name(const char *name) {
  if (!name[0] || strlen(name) >= IFNAMSIZ || strchr(name, '/') || strpbrk(name, " \t\n:")) {
    dprintf(2, "kjob-shim: not an interface name: \"%s\"\n", name);
    exit(2);
  }
}

/** kjob-shim --pod-net ...: argv past "--pod-net". */
static int pod_net_main(int argc, char **argv) {
  if (argc < 4 || (argc - 4) % 3 != 0) {
    dprintf(2, "usage: kjob-shim --pod-net NODE_NS BRIDGE GATEWAY SERVICE_NET/PREFIX [POD_NS HOST_VETH IP]...\n");
    return 2;
  }
  const char *node = argv[0], *bridge = argv[1], *gateway = argv[2], *service = argv[3];
  in_addr_t service_net;
  int service_prefix;
  parse_net(service, &service_net, &service_prefix);
  char **pod = argv + 4;
  int pods = (argc - 4) / 3;
  check_ns_name(node);
  check_dev_name(bridge);
  for (int i = 0; i < pods; i++) {
    check_ns_name(pod[3 * i]);
    check_dev_name(pod[3 * i + 1]);
  }
  int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (home < 0) pod_net_fail("(its own network namespace)", errno);
  // Each command has the 10 s a run of ip had (the runner's alarm, kept across exec, is for the
  // whole of this process): under the kernel's rtnl lock, a group of 32 is not one run's work.
  for (int i = 0; i < pods; i++) {
    alarm(10);
    netns_add(pod[3 * i]);
    enter_netns(home, "(its own)");
  }
  int nfd = open_netns(node);
  enter_netns(nfd, node);
  close(nfd);
  int fd = nl_open();
  for (int i = 0; i < pods; i++) {
    alarm(10);
    node_side(fd, node, bridge, pod[3 * i], pod[3 * i + 1], pod[3 * i + 2]);
  }
  close(fd);
  // Each pod's own side even after another's failed, as each was a run of ip of its own; the
  // first failure is the one said (as the runner said the first failed run's).
  int failed = 0;
  for (int i = 0; i < pods; i++) {
    alarm(10);
    int pfd = open_netns(pod[3 * i]);
    enter_netns(pfd, pod[3 * i]);
    close(pfd);
    failed |= pod_side(pod[3 * i], pod[3 * i + 2], gateway, service, service_net, service_prefix, !failed);
  }
  alarm(0);
  return failed;
}

/**
 * kjob-shim --node-net NODE_NS BRIDGE MAC GATEWAY SERVICE_NET/PREFIX: a state directory's new node
 * namespace, as network.ts ensureNode's runs of ip make it:
 *   ip netns add NODE_NS
 *   ip -n NODE_NS link set lo up
 *   ip -n NODE_NS link add BRIDGE address MAC type bridge
 *   ip -n NODE_NS addr add GATEWAY/24 dev BRIDGE
 *   ip -n NODE_NS link set BRIDGE up
 *   ip -n NODE_NS route add local SERVICE_NET/PREFIX dev lo
 */
static int node_net_main(int argc, char **argv) {
  if (argc != 5) {
    dprintf(2, "usage: kjob-shim --node-net NODE_NS BRIDGE MAC GATEWAY SERVICE_NET/PREFIX\n");
    return 2;
  }
  const char *node = argv[0], *bridge = argv[1], *gateway = argv[3], *service = argv[4];
  unsigned char mac[6];
  char extra;
  if (sscanf(argv[2], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx%c", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4], &mac[5], &extra) != 6) {
    dprintf(2, "kjob-shim --node-net: not a MAC address: %s\n", argv[2]);
    return 2;
  }
  in_addr_t service_net;
  int service_prefix;
  parse_net(service, &service_net, &service_prefix);
  check_ns_name(node);
  check_dev_name(bridge);
  netns_add(node);
  char what[4200];
  int fd = nl_open();
  snprintf(what, sizeof what, "-n %s link set lo up", node);
  int lo = index_of("lo", what);
  int err = link_up(fd, lo, 0);
  if (err) pod_net_fail(what, err);
  struct nlreq r;
  struct ifinfomsg *ifi = nl_start(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifi);
  ifi->ifi_family = AF_UNSPEC;
  nl_str(&r, IFLA_IFNAME, bridge);
  nl_attr(&r, IFLA_ADDRESS, mac, sizeof mac);
  struct rtattr *info = nl_attr(&r, IFLA_LINKINFO, NULL, 0);
  nl_str(&r, IFLA_INFO_KIND, "bridge");
  nl_end(&r, info);
  err = nl_talk(fd, &r);
  snprintf(what, sizeof what, "-n %s link add %s address %s type bridge", node, bridge, argv[2]);
  if (err) pod_net_fail(what, err);
  snprintf(what, sizeof what, "-n %s addr add %s/24 dev %s", node, gateway, bridge);
  int br = index_of(bridge, what);
  err = addr_add(fd, br, ipv4(gateway), 24);
  if (err) pod_net_fail(what, err);
  snprintf(what, sizeof what, "-n %s link set %s up", node, bridge);
  err = link_up(fd, br, 0);
  if (err) pod_net_fail(what, err);
  snprintf(what, sizeof what, "-n %s route add local %s dev lo", node, service);
  err = route_add(fd, RTN_LOCAL, service_net, service_prefix, 0, lo);
  if (err) pod_net_fail(what, err);
  close(fd);
  return 0;
}

/**
 * kjob-shim --netns-del NAME...: ip netns del NAME for each, as ip does it: the namespace's bind
 * mount detached, then its file removed (the kernel ends the namespace, with the pod's end of its
 * veth and so the node's, once nothing else holds it). On past one that fails, as ip -force -batch.
 */
static int netns_del_main(int argc, char **argv) {
  int failed = 0;
  for (int i = 0; i < argc; i++) {
    check_ns_name(argv[i]);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", NETNS_RUN_DIR, argv[i]);
    umount2(path, MNT_DETACH);
    if (unlink(path) != 0) {
      dprintf(2, "Cannot remove namespace file \"%s\": %s\n", path, strerror(errno));
      failed = 1;
    }
  }
  return failed;
}

/** The native program's network modes (argv[0] the mode): its exit status, or -1 for no such mode. */
int net_mode_main(int argc, char **argv) {
  if (argc < 1) return -1;
  if (!strcmp(argv[0], "--pod-net")) return pod_net_main(argc - 1, argv + 1);
  if (!strcmp(argv[0], "--node-net")) return node_net_main(argc - 1, argv + 1);
  if (!strcmp(argv[0], "--netns-del")) return netns_del_main(argc - 1, argv + 1);
  return -1;
}
