/* pppd_msg.c - encode and decode the messages between sstpcd and its pppd plugin. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "pppd_msg.h"

/* Attribute ids (values of the 'id' byte). */
#define PM_ATTR_PID		1	/* 4 bytes, big endian */
#define PM_ATTR_TEXT		2	/* bytes, no NUL */
#define PM_ATTR_AUTH		3	/* 1 byte, PPPD_AUTH_* */
#define PM_ATTR_SEND_KEY	4	/* 16 bytes */
#define PM_ATTR_RECV_KEY	5	/* 16 bytes */
#define PM_ATTR_LOCAL		6	/* 4 bytes, network order */
#define PM_ATTR_REMOTE		7
#define PM_ATTR_DNS1		8
#define PM_ATTR_DNS2		9
#define PM_ATTR_MTU		10	/* 4 bytes, big endian */
#define PM_ATTR_MRU		11
#define PM_ATTR_LOCAL_IID	12	/* 8 bytes */
#define PM_ATTR_REMOTE_IID	13

#define PM_HDR_LEN		4

/* A sticky-error writer: many puts, one check at the end. */
struct pm_buf {
	uint8_t		*p;
	size_t		 cap;
	size_t		 len;
	int		 error;
};

static void
pm_put(struct pm_buf *b, uint8_t id, const void *v, size_t n)
{
	if (b->error != 0)
		return;
	if (n > 255) {
		b->error = -EINVAL;
		return;
	}
	if (b->cap - b->len < 2 + n) {
		b->error = -ENOSPC;
		return;
	}
	b->p[b->len++] = id;
	b->p[b->len++] = (uint8_t)n;
	memcpy(b->p + b->len, v, n);
	b->len += n;
}

static void
pm_put32(struct pm_buf *b, uint8_t id, uint32_t v)
{
	uint8_t x[4] = { v >> 24, v >> 16, v >> 8, v };

	pm_put(b, id, x, 4);
}

int
pppd_msg_encode(const struct pppd_msg *m, uint8_t *buf, size_t cap)
{
	struct pm_buf b = { buf, cap, PM_HDR_LEN, 0 };
	size_t tlen = strnlen(m->text, sizeof m->text);
	uint8_t auth = (uint8_t)m->auth;

	if (cap < PM_HDR_LEN)
		return -ENOSPC;
	if (tlen >= sizeof m->text || tlen > 255)
		return -EINVAL;
	switch (m->type) {
	case PPPD_MSG_HELLO:
		pm_put32(&b, PM_ATTR_PID, m->pid);
		pm_put(&b, PM_ATTR_TEXT, m->text, tlen);
		break;
	case PPPD_MSG_PASSWD_REQ:
		pm_put(&b, PM_ATTR_AUTH, &auth, 1);
		break;
	case PPPD_MSG_PASSWD:
		pm_put(&b, PM_ATTR_TEXT, m->text, tlen);
		break;
	case PPPD_MSG_AUTH_UP:
		pm_put(&b, PM_ATTR_AUTH, &auth, 1);
		if (m->have_keys) {
			pm_put(&b, PM_ATTR_SEND_KEY, m->send_key, PPPD_MSG_KEY);
			pm_put(&b, PM_ATTR_RECV_KEY, m->recv_key, PPPD_MSG_KEY);
		}
		break;
	case PPPD_MSG_ACK:
	case PPPD_MSG_IP_DOWN:
	case PPPD_MSG_IPV6_NONE:
		break;
	case PPPD_MSG_IP_UP:
		pm_put(&b, PM_ATTR_TEXT, m->text, tlen);
		pm_put(&b, PM_ATTR_LOCAL, &m->local, 4);
		pm_put(&b, PM_ATTR_REMOTE, &m->remote, 4);
		pm_put(&b, PM_ATTR_DNS1, &m->dns1, 4);
		pm_put(&b, PM_ATTR_DNS2, &m->dns2, 4);
		pm_put32(&b, PM_ATTR_MTU, m->mtu);
		pm_put32(&b, PM_ATTR_MRU, m->mru);
		break;
	case PPPD_MSG_IPV6_UP:
		pm_put(&b, PM_ATTR_TEXT, m->text, tlen);
		pm_put(&b, PM_ATTR_LOCAL_IID, m->local_iid, 8);
		pm_put(&b, PM_ATTR_REMOTE_IID, m->remote_iid, 8);
		break;
	default:
		return -EINVAL;
	}
	if (b.error != 0)
		return b.error;
	if (b.len > PPPD_MSG_MAX)
		return -EINVAL;
	buf[0] = PPPD_MSG_VERSION;
	buf[1] = (uint8_t)m->type;
	buf[2] = (uint8_t)(b.len >> 8);
	buf[3] = (uint8_t)b.len;
	return (int)b.len;
}

static uint32_t
pm_get32(const uint8_t *v)
{
	return (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
	    (uint32_t)v[2] << 8 | v[3];
}

int
pppd_msg_decode(struct pppd_msg *m, const uint8_t *buf, size_t len)
{
	const uint8_t *v;
	size_t off, n, wlen;
	uint8_t id;
	int send_key = 0, recv_key = 0;

	memset(m, 0, sizeof *m);
	if (len < PM_HDR_LEN || len > PPPD_MSG_MAX || buf[0] != PPPD_MSG_VERSION)
		return -EBADMSG;
	wlen = (size_t)buf[2] << 8 | buf[3];
	if (wlen != len)
		return -EBADMSG;
	if (buf[1] < PPPD_MSG_HELLO || buf[1] > PPPD_MSG_IPV6_NONE)
		return -EBADMSG;
	m->type = buf[1];

	for (off = PM_HDR_LEN; off < len; off += 2 + n) {
		if (len - off < 2)
			return -EBADMSG;
		id = buf[off];
		n = buf[off + 1];
		if (len - off - 2 < n)
			return -EBADMSG;
		v = buf + off + 2;
		switch (id) {
		case PM_ATTR_PID:
			if (n != 4)
				return -EBADMSG;
			m->pid = pm_get32(v);
			break;
		case PM_ATTR_TEXT:
			/* n <= 255 < PPPD_MSG_TEXT, so the NUL always fits. */
			if (memchr(v, '\0', n) != NULL)
				return -EBADMSG;
			memcpy(m->text, v, n);
			m->text[n] = '\0';
			break;
		case PM_ATTR_AUTH:
			if (n != 1 || v[0] > PPPD_AUTH_EAP)
				return -EBADMSG;
			m->auth = v[0];
			break;
		case PM_ATTR_SEND_KEY:
		case PM_ATTR_RECV_KEY:
			if (n != PPPD_MSG_KEY)
				return -EBADMSG;
			if (id == PM_ATTR_SEND_KEY) {
				memcpy(m->send_key, v, n);
				send_key = 1;
			} else {
				memcpy(m->recv_key, v, n);
				recv_key = 1;
			}
			break;
		case PM_ATTR_LOCAL:
		case PM_ATTR_REMOTE:
		case PM_ATTR_DNS1:
		case PM_ATTR_DNS2:
			if (n != 4)
				return -EBADMSG;
			memcpy(id == PM_ATTR_LOCAL ? &m->local :
			    id == PM_ATTR_REMOTE ? &m->remote :
			    id == PM_ATTR_DNS1 ? &m->dns1 : &m->dns2, v, 4);
			break;
		case PM_ATTR_MTU:
		case PM_ATTR_MRU:
			if (n != 4)
				return -EBADMSG;
			if (id == PM_ATTR_MTU)
				m->mtu = pm_get32(v);
			else
				m->mru = pm_get32(v);
			break;
		case PM_ATTR_LOCAL_IID:
		case PM_ATTR_REMOTE_IID:
			if (n != 8)
				return -EBADMSG;
			memcpy(id == PM_ATTR_LOCAL_IID ? m->local_iid :
			    m->remote_iid, v, 8);
			break;
		default:
			break;	/* unknown: skipped (a newer peer) */
		}
	}
	/* Keys come in pairs or not at all. */
	if (send_key != recv_key)
		return -EBADMSG;
	m->have_keys = send_key;
	return 0;
}

int
pppd_msg_hlak(const struct pppd_msg *m, uint8_t hlak[32])
{
	if (!m->have_keys)
		return 0;
	switch (m->auth) {
	case PPPD_AUTH_MSCHAP2:
	case PPPD_AUTH_EAP:
		/* MS-SSTP 3.2.5.2: MasterSendKey first, then MasterReceiveKey. */
		memcpy(hlak, m->send_key, PPPD_MSG_KEY);
		memcpy(hlak + PPPD_MSG_KEY, m->recv_key, PPPD_MSG_KEY);
		return 1;
	default:
		return 0;
	}
}

const char *
pppd_msg_auth_name(unsigned int auth)
{
	switch (auth) {
	case PPPD_AUTH_PAP:
		return "pap";
	case PPPD_AUTH_CHAP:
		return "chap";
	case PPPD_AUTH_MSCHAP1:
		return "mschap1";
	case PPPD_AUTH_MSCHAP2:
		return "mschap2";
	case PPPD_AUTH_EAP:
		return "eap";
	default:
		return "none";
	}
}
