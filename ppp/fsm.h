/* fsm.h - the RFC 1661 option-negotiation automaton shared by LCP, IPCP and IPv6CP. */
#ifndef SSTP_FSM_H
#define SSTP_FSM_H

#include <stddef.h>
#include <stdint.h>

#include "timer.h"

/* States, RFC 1661 4.2. */
enum fsm_state {
	FSM_INITIAL = 0,
	FSM_STARTING,
	FSM_CLOSED,
	FSM_STOPPED,
	FSM_CLOSING,
	FSM_STOPPING,
	FSM_REQSENT,
	FSM_ACKRCVD,
	FSM_ACKSENT,
	FSM_OPENED
};

/* Defaults, RFC 1661 4.6. */
#define FSM_RESTART_MS		3000
#define FSM_MAX_CONFIGURE	10
#define FSM_MAX_TERMINATE	2
#define FSM_MAX_FAILURE		5

/* The largest control packet we build (fits any MRU we accept). */
#define FSM_PKT_MAX		1500

struct fsm;

/*
 * What a protocol plugs into the automaton.  Option lists are the bytes after
 * the 4-byte header.  Every callback is required unless marked optional.
 */
struct fsm_callbacks {
	/* Forget what the previous negotiation agreed; before the first request. */
	void	(*reset)(struct fsm *f);
	/* Our Configure-Request options into buf; returns their length. */
	size_t	(*build_req)(struct fsm *f, uint8_t *buf, size_t cap);
	/*
	 * The peer's Nak/Reject of our request: 0, or -1 to discard it.  (An
	 * Ack must repeat the request exactly; the automaton checks that.)
	 */
	int	(*recv_nak)(struct fsm *f, const uint8_t *opts, size_t len);
	int	(*recv_rej)(struct fsm *f, const uint8_t *opts, size_t len);
	/*
	 * The peer's Configure-Request: put the reply options in out (cap
	 * bytes), set *outlen and return CP_CONFACK, CP_CONFNAK or
	 * CP_CONFREJ; -1 discards the packet.  With may_nak 0 (Max-Failure
	 * reached), options that would be Nak'ed must be rejected instead.
	 */
	int	(*recv_req)(struct fsm *f, const uint8_t *opts, size_t len,
		    uint8_t *out, size_t cap, size_t *outlen, int may_nak);
	/* This-Layer-Up/-Down/-Started/-Finished (RFC 1661 4.4). */
	void	(*up)(struct fsm *f);
	void	(*down)(struct fsm *f);
	void	(*started)(struct fsm *f);	/* optional */
	void	(*finished)(struct fsm *f);
	/*
	 * Optional: a code beyond 1-7 (LCP's Echo, Protocol-Reject ...).
	 * Returns 1 when handled, 0 to answer with a Code-Reject.
	 */
	int	(*extcode)(struct fsm *f, uint8_t code, uint8_t id,
		    const uint8_t *data, size_t len);
	/* Optional: the peer code-rejected one of our codes beyond 1-7. */
	void	(*code_rejected)(struct fsm *f, uint8_t code);
	/* Send a control packet (code, id, length, data) under f->proto. */
	void	(*send)(struct fsm *f, const uint8_t *pkt, size_t len);
};

struct fsm {
	const char	*name;		/* "lcp", "ipcp", "ip6cp" (logs) */
	const char	*ifname;	/* for logs */
	uint16_t	 proto;
	enum fsm_state	 state;
	uint8_t		 id;		/* last identifier used */
	uint8_t		 reqid;		/* identifier of our Configure-Request */
	int		 reqid_valid;
	int		 restart;	/* restart counter */
	int		 nak_sent;	/* Naks sent since the last Ack sent */
	unsigned int	 restart_ms;
	int		 max_configure;
	int		 max_terminate;
	int		 max_failure;
	struct timer	 timer;
	const struct fsm_callbacks *cb;
	void		*arg;		/* the owner */
	char		 term_reason[128];	/* sent in our Terminate-Request */
	int		 peer_term;	/* the peer sent a Terminate-Request */
	char		 peer_term_msg[128];	/* its data, printable only */
	uint8_t		 pkt[FSM_PKT_MAX];	/* what we send */
	uint8_t		 reply[FSM_PKT_MAX];	/* our answer to a request */
	uint8_t		 req[FSM_PKT_MAX];	/* options of our last request */
	size_t		 req_len;
};

/* What a network control protocol (IPCP, IPv6CP) tells the engine. */
struct ncp_callbacks {
	/* A control packet (code, id, length, data) to send under proto. */
	void	(*send)(void *arg, uint16_t proto, const uint8_t *pkt, size_t len);
	void	(*up)(void *arg, uint16_t proto);
	void	(*down)(void *arg, uint16_t proto);
	/* Negotiation ended (failed, refused or closed); reason is readable. */
	void	(*finished)(void *arg, uint16_t proto, const char *reason);
};

/* Set up in state Initial with the RFC's defaults; the timer is initialised. */
void	fsm_init(struct fsm *f, const char *name, const char *ifname,
	    uint16_t proto, const struct fsm_callbacks *cb, void *arg);
/* Stop the timer (before freeing the owner). */
void	fsm_cleanup(struct fsm *f);

/* Administrative and lower-layer events (RFC 1661 4.3). */
void	fsm_up(struct fsm *f);
void	fsm_down(struct fsm *f);
void	fsm_open(struct fsm *f);
/* Open and Up at once: the lower layer is already there. */
void	fsm_start(struct fsm *f);
/* reason (may be NULL) goes in the Terminate-Request's data. */
void	fsm_close(struct fsm *f, const char *reason);

/* A control packet received under f->proto (code, id, length, data). */
void	fsm_input(struct fsm *f, const uint8_t *pkt, size_t len);
/* The peer sent a Protocol-Reject for f->proto: RXJ- (RFC 1661 5.7). */
void	fsm_proto_rejected(struct fsm *f);
/* The restart timer expired (the timer calls it; tests may too). */
void	fsm_timeout(void *arg);

/* A fresh identifier for a packet outside the Configure exchange. */
uint8_t	fsm_next_id(struct fsm *f);
/* Build and send a control packet with this code, id and data. */
void	fsm_send(struct fsm *f, uint8_t code, uint8_t id, const uint8_t *data,
	    size_t len);

const char *fsm_state_name(enum fsm_state s);

#endif
