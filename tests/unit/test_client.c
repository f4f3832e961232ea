/* summary: client engine: MAC keying, IP bindings, models, serials, prefix modes, attempts, caps.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "client_script.h"
#include "nbt/hosts.h"
#include "nbt/outcome.h"
#include "nbt/summary.h"

static int setup(void **state)
{
	*state = sc_new();
	return 0;
}

static int teardown(void **state)
{
	sc_free(*state);
	return 0;
}

/* TFTP packets without MACs (raw IP) map back to the client through the ACK's yiaddr. */
static void test_ip_binding_from_ack(void **state)
{
	struct sc *s = *state;
	sc_pi4_dora(s, 0, CLI);
	sc_file(s, 1, CLI, "38c128c0/start4.elf", 3000);
	assert_int_equal(client_count(s->t), 1);
	const struct client *c = sc_client(s, MAC_PI4);
	assert_int_equal(c->ip, CLI);
	const struct client_attempt *a = client_last_attempt(c);
	assert_int_equal(a->nfiles, 1);
	assert_int_equal(a->files[0].state, CLIENT_FILE_DONE);
	assert_int_equal(a->files[0].bytes, 3000);
	/* TFTP from an IP nobody bound, without MAC: a MAC-less client keyed by IP. */
	sc_rrq(s, 2, IP4(10, 99, 0, 200), "pxelinux.0");
	assert_int_equal(client_count(s->t), 2);
	const struct client *o = client_get(s->t, 1); /* MAC-less ones sort last */
	assert_false(o->has_mac);
	assert_int_equal(o->ip, IP4(10, 99, 0, 200));
}

/* ARP and Ethernet sources bind too; a server's traffic never creates a client. */
static void test_ip_binding_from_arp(void **state)
{
	struct sc *s = *state;
	sc_dhcp_req(s, 0, MAC_PI4, 1, 0x10, SC_PI4);
	sc_arp(s, 0.5, MAC_PI4, IP4(10, 99, 0, 50), SRV, false); /* a static address */
	sc_rrq(s, 1, IP4(10, 99, 0, 50), "38c128c0/start4.elf");
	assert_int_equal(client_count(s->t), 1);
	assert_int_equal(client_last_attempt(sc_client(s, MAC_PI4))->nfiles, 1);
	/* NFS between two machines whose boot was not seen is not a client. */
	sc_feed(s, sc_rpc(IP4(10, 99, 0, 77), 100003, 3, 1, false), 2);
	assert_int_equal(client_count(s->t), 1);
}

static void test_models(void **state)
{
	struct sc *s = *state;
	static const uint8_t pi5[6] = {0x2c, 0xcf, 0x67, 1, 2, 3};
	static const uint8_t efi[6] = {0x52, 0x54, 0x00, 0, 0, 9};
	static const uint8_t ipxe[6] = {0x52, 0x54, 0x00, 0, 0, 8};
	sc_dhcp_req(s, 0, MAC_PI4, 1, 1, SC_PI4);
	sc_dhcp_req(s, 0, MAC_PI3A, 1, PI3_X, SC_PI3);
	sc_dhcp_req(s, 0, MAC_PC, 1, 2, SC_PXE);
	sc_dhcp_req(s, 0, ipxe, 1, 3, SC_IPXE);
	sc_dhcp_req(s, 0, efi, 1, 4, SC_PXE);
	/* Pi 5 by OUI, then by the file it asks for. */
	sc_dhcp_req(s, 0, pi5, 1, 5, SC_KERNEL);
	assert_int_equal(sc_client(s, MAC_PI4)->model, CLIENT_MODEL_PI4);
	assert_int_equal(sc_client(s, MAC_PI4)->board_rev, 0x00c03111);
	assert_int_equal(sc_client(s, MAC_PI3A)->model, CLIENT_MODEL_PI3);
	assert_int_equal(sc_client(s, MAC_PC)->model, CLIENT_MODEL_PXE);
	assert_int_equal(sc_client(s, ipxe)->model, CLIENT_MODEL_IPXE);
	assert_int_equal(sc_client(s, pi5)->model, CLIENT_MODEL_PI);
	sc_dhcp_rep(s, 0.1, pi5, 5, 5, IP4(10, 99, 0, 55), SRV, "10.99.0.1", true);
	sc_rrq(s, 0.2, IP4(10, 99, 0, 55), "config.txt");
	sc_rrq(s, 0.3, IP4(10, 99, 0, 55), "kernel_2712.img");
	assert_int_equal(sc_client(s, pi5)->model, CLIENT_MODEL_PI5);
	assert_true(client_is_pi_oui(MAC_PI4));
	assert_true(client_is_pi_oui(MAC_PI3A));
	assert_false(client_is_pi_oui(MAC_PC));
	assert_string_equal(client_model_name(CLIENT_MODEL_PI4), "Raspberry Pi 4");
	/* U-Boot by its option 60; its own EFI step's "PXEClient" DHCP does not make it a UEFI
	 * PXE ROM, and a client first seen as PXE becomes U-Boot when U-Boot's DHCP shows. */
	static const uint8_t ub[6] = {0x52, 0x52, 0x52, 0x52, 0x52, 0x52};
	static const uint8_t ub2[6] = {0x52, 0x52, 0x52, 0x52, 0x52, 0x53};
	sc_dhcp_req(s, 1, ub, 1, 6, SC_UBOOT);
	assert_int_equal(sc_client(s, ub)->model, CLIENT_MODEL_UBOOT);
	sc_dhcp_req(s, 1.5, ub, 1, 7, SC_PXE);
	assert_int_equal(sc_client(s, ub)->model, CLIENT_MODEL_UBOOT);
	sc_dhcp_req(s, 2, ub2, 1, 8, SC_PXE);
	assert_int_equal(sc_client(s, ub2)->model, CLIENT_MODEL_PXE);
	sc_dhcp_req(s, 2.5, ub2, 1, 9, SC_UBOOT);
	assert_int_equal(sc_client(s, ub2)->model, CLIENT_MODEL_UBOOT);
	assert_string_equal(client_model_name(CLIENT_MODEL_UBOOT), "U-Boot");
}

/* Serial from option 97; from the TFTP folder when 97 is absent; prefix modes. */
static void test_serial_and_prefix(void **state)
{
	struct sc *s = *state;
	static const uint8_t m2[6] = {0xdc, 0xa6, 0x32, 0, 0, 2};
	static const uint8_t m3[6] = {0xdc, 0xa6, 0x32, 0, 0, 3};
	sc_pi4_dora(s, 0, CLI);
	sc_rrq(s, 1, CLI, "38c128c0/start4.elf");
	const struct client *c = sc_client(s, MAC_PI4);
	assert_true(c->has_serial);
	assert_false(c->serial_from_folder);
	assert_int_equal(c->serial, 0x38c128c0);
	assert_int_equal(c->prefix, CLIENT_PREFIX_SERIAL);
	assert_string_equal(c->prefix_str, "38c128c0/");

	/* MAC in kebab case (TFTP_PREFIX=2). */
	sc_dhcp_req(s, 2, m2, 1, 7, SC_KERNEL);
	sc_dhcp_rep(s, 2.1, m2, 5, 7, IP4(10, 99, 0, 2), SRV, "10.99.0.1", true);
	sc_rrq(s, 2.2, IP4(10, 99, 0, 2), "dc-a6-32-00-00-02/start4.elf");
	c = sc_client(s, m2);
	assert_int_equal(c->prefix, CLIENT_PREFIX_MAC);
	assert_false(c->has_serial);

	/* No option 97: the serial comes from the folder; a custom string otherwise. */
	sc_dhcp_req(s, 3, m3, 1, 8, SC_KERNEL);
	sc_dhcp_rep(s, 3.1, m3, 5, 8, IP4(10, 99, 0, 3), SRV, "10.99.0.1", true);
	sc_rrq(s, 3.2, IP4(10, 99, 0, 3), "bootcode.bin");
	c = sc_client(s, m3);
	assert_int_equal(c->prefix, CLIENT_PREFIX_ROOT);
	sc_rrq(s, 3.3, IP4(10, 99, 0, 3), "0badcafe/start.elf");
	assert_int_equal(c->prefix, CLIENT_PREFIX_SERIAL);
	assert_true(c->has_serial);
	assert_true(c->serial_from_folder);
	assert_int_equal(c->serial, 0x0badcafe);
	assert_int_equal(c->model, CLIENT_MODEL_PI3); /* bootcode.bin */

	static const uint8_t m4[6] = {0xdc, 0xa6, 0x32, 0, 0, 4};
	sc_dhcp_req(s, 4, m4, 1, 9, SC_KERNEL);
	sc_dhcp_rep(s, 4.1, m4, 5, 9, IP4(10, 99, 0, 4), SRV, "10.99.0.1", true);
	sc_rrq(s, 4.2, IP4(10, 99, 0, 4), "rack-a/start4.elf");
	c = sc_client(s, m4);
	assert_int_equal(c->prefix, CLIENT_PREFIX_CUSTOM);
	assert_string_equal(c->prefix_str, "rack-a/");
	/* Upper-case hex is not the firmware's serial folder. */
	assert_false(c->has_serial);
}

static void test_file_stages(void **state)
{
	(void)state;
	assert_int_equal(client_file_stage("38c128c0/start4.elf"), CLIENT_ST_TFTP_FW);
	assert_int_equal(client_file_stage("config.txt"), CLIENT_ST_TFTP_FW);
	assert_int_equal(client_file_stage("38c128c0/kernel8.img"), CLIENT_ST_TFTP_KERNEL);
	assert_int_equal(client_file_stage("bcm2711-rpi-4-b.dtb"), CLIENT_ST_TFTP_KERNEL);
	assert_int_equal(client_file_stage("x/overlays/vc4-kms-v3d.dtbo"), CLIENT_ST_TFTP_KERNEL);
	assert_int_equal(client_file_stage("cmdline.txt"), CLIENT_ST_TFTP_KERNEL);
	assert_int_equal(client_file_stage("initramfs8"), CLIENT_ST_TFTP_KERNEL);
	assert_int_equal(client_file_stage("vmlinuz-6.1"), CLIENT_ST_TFTP_KERNEL);
	assert_true(client_file_optional("bootsig.bin"));
	assert_true(client_file_optional("38c128c0/recovery.bin"));
	assert_true(client_file_optional("38c128c0/pieeprom.sig"));
	assert_false(client_file_optional("38c128c0/start4.elf"));
	assert_false(client_file_optional("kernel8.img"));
	/* Loader probe chains (the uboot-pxe-chain capture, GRUB's manual): every name but the
	 * chain's last is a probe. */
	assert_true(client_file_optional("pxelinux.cfg/01-52-52-52-52-52-52"));
	assert_true(client_file_optional("pxelinux.cfg/0A63008C"));
	assert_true(client_file_optional("pxelinux.cfg/default-arm"));
	assert_true(client_file_optional("boot/grub/grub.cfg-0A000082"));
	assert_true(client_file_optional("boot.scr.uimg"));
	assert_true(client_file_optional("autoexec.ipxe"));
	assert_true(client_file_optional("0A640273.img"));
	assert_false(client_file_optional("0A64027.img"));
	assert_false(client_file_optional("kernel_2712.img"));
	assert_false(client_file_optional("pxelinux.cfg/default"));
	assert_false(client_file_optional("boot/grub/grub.cfg"));
	assert_false(client_file_optional("pxelinux.0"));
	assert_true(client_file_chain_end("pxelinux.cfg/default"));
	assert_true(client_file_chain_end("boot/grub/grub.cfg"));
	assert_false(client_file_chain_end("default"));
	assert_false(client_file_chain_end("pxelinux.cfg/0A"));
}

/* Stage spans keep first/last frame; the timeline is ordered by frame. */
static void test_stage_spans_and_timeline(void **state)
{
	struct sc *s = *state;
	sc_pi4_dora(s, 0, CLI);
	uint64_t rrq = sc_rrq(s, 1, CLI, "38c128c0/start4.elf");
	const struct client_attempt *a = client_last_attempt(sc_client(s, MAC_PI4));
	assert_int_equal(a->stage[CLIENT_ST_FW_DHCP].first.frame, 1);
	assert_int_equal(a->stage[CLIENT_ST_FW_DHCP].last.frame, 4);
	assert_int_equal(a->stage[CLIENT_ST_FW_DHCP].count, 4);
	assert_int_equal(a->stage[CLIENT_ST_TFTP_FW].first.frame, rrq);
	assert_int_equal(a->stage[CLIENT_ST_TFTP_FW].first.ts, sc_ns(1));
	assert_int_equal(a->ntimeline, 5);
	for (uint32_t i = 1; i < a->ntimeline; i++)
		assert_true(a->timeline[i].frame > a->timeline[i - 1].frame);
	assert_non_null(strstr(a->timeline[4].text, "RRQ 38c128c0/start4.elf"));
}

/* The per-attempt timeline is bounded and counts what it drops. */
static void test_timeline_cap(void **state)
{
	struct sc *s = *state;
	sc_pi4_dora(s, 0, CLI);
	for (int i = 0; i < CLIENT_TIMELINE_MAX + 20; i++)
		sc_rrq(s, 1 + i * 0.01, CLI, "38c128c0/start4.elf");
	const struct client_attempt *a = client_last_attempt(sc_client(s, MAC_PI4));
	assert_int_equal(a->ntimeline, CLIENT_TIMELINE_MAX);
	assert_int_equal(a->timeline_dropped, 24);
	assert_int_equal(client_table_capture(s->t)->timeline_dropped, 24);
	assert_int_equal(a->files[0].rrqs, CLIENT_TIMELINE_MAX + 20);
}

/* Signs of a network boot decide who is reported: a laptop's DHCP alone is not one. */
static void test_netboot_signs(void **state)
{
	struct sc *s = *state;
	static const uint8_t kern[6] = {0x52, 0x54, 0x00, 0, 0, 2},
	                     klibc[6] = {0x52, 0x54, 0, 0, 0, 3},
	                     loader[6] = {0x52, 0x54, 0, 0, 0, 4};
	sc_dhcp_req(s, 0, MAC_PC, 1, 0x51, SC_LAPTOP);
	sc_dhcp_rep(s, 0.01, MAC_PC, 2, 0x51, CLI, 0, NULL, false);
	sc_dhcp_req(s, 0.02, MAC_PI4, 1, 0x52, SC_LAPTOP); /* a Pi, whatever it sends */
	sc_dhcp_req(s, 0.03, kern, 1, 0x53, SC_KERNEL);
	sc_dhcp_req(s, 0.04, klibc, 1, 0x54, SC_KLIBC);
	sc_dhcp_req(s, 0.05, loader, 1, 0x55, SC_LOADER);
	const struct client *pc = sc_client(s, MAC_PC);
	assert_false(pc->netboot);
	assert_true(sc_client(s, MAC_PI4)->netboot);
	assert_true(sc_client(s, kern)->netboot);
	assert_true(sc_client(s, klibc)->netboot);
	assert_true(sc_client(s, loader)->netboot);
	assert_int_equal(client_table_capture(s->t)->other_clients, 1);
	assert_false(outcome_selected(pc, NULL));
	assert_true(outcome_selected(pc, "52:54:00:12:34:56")); /* named: shown anyway */
	size_t i = 0, n = 0;
	while (outcome_next(s->t, NULL, &i))
		n++;
	assert_int_equal(n, 4);
	/* It asks for a file: now it boots. */
	sc_rrq(s, 1, CLI, "pxelinux.0");
	assert_true(pc->netboot);
	assert_int_equal(client_table_capture(s->t)->other_clients, 0);
	assert_true(outcome_selected(pc, NULL));
}

/* The client table is bounded (ANOM_CAP_CLIENTS); attempts keep the most recent. */
static void test_client_and_attempt_caps(void **state)
{
	struct sc *s = *state;
	uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0};
	for (int i = 0; i < CLIENT_MAX + 5; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		sc_dhcp_req(s, 0, mac, 1, (uint32_t)i, SC_PXE);
	}
	assert_int_equal(client_count(s->t), CLIENT_MAX);
	assert_int_equal(client_table_capture(s->t)->clients_dropped, 5);
	assert_int_equal(client_table_capture(s->t)->machines_dropped, 5);
	/* The same five machines again: more events, no more machines. */
	for (int i = CLIENT_MAX; i < CLIENT_MAX + 5; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		sc_dhcp_req(s, 1, mac, 1, (uint32_t)i, SC_PXE);
	}
	assert_int_equal(client_table_capture(s->t)->clients_dropped, 10);
	assert_int_equal(client_table_capture(s->t)->machines_dropped, 5);
	assert_false(client_table_capture(s->t)->machines_dropped_more);
	struct sc *s2 = sc_new();
	for (int i = 0; i < CLIENT_ATTEMPTS_MAX + 3; i++) {
		sc_dhcp_req(s2, i * 10, MAC_PI4, 1, 0x10, SC_PI4);
		sc_dhcp_req(s2, i * 10 + 1, MAC_PI4, 3, 0x10, SC_PI4); /* progress */
	}
	const struct client *c = sc_client(s2, MAC_PI4);
	assert_int_equal(c->nattempts, CLIENT_ATTEMPTS_MAX);
	assert_int_equal(c->attempts_dropped, 3);
	assert_int_equal(client_last_attempt(c)->number, CLIENT_ATTEMPTS_MAX + 3);
	assert_int_equal(c->attempts[0]->number, 4);
	sc_free(s2);
}

/* Clients come out sorted by MAC whatever the arrival order. */
static void test_sorted_by_mac(void **state)
{
	struct sc *s = *state;
	sc_dhcp_req(s, 0, MAC_PI4, 1, 1, SC_PI4);
	sc_dhcp_req(s, 0, MAC_PI3C, 1, PI3_X, SC_PI3);
	sc_dhcp_req(s, 0, MAC_PC, 1, 2, SC_PXE);
	sc_dhcp_req(s, 0, MAC_PI3A, 1, PI3_X, SC_PI3);
	assert_memory_equal(client_get(s->t, 0)->mac, MAC_PC, 6);
	assert_memory_equal(client_get(s->t, 1)->mac, MAC_PI3A, 6);
	assert_memory_equal(client_get(s->t, 2)->mac, MAC_PI3C, 6);
	assert_memory_equal(client_get(s->t, 3)->mac, MAC_PI4, 6);
}

/* Inventory names show on clients, by MAC or by serial. */
static void test_names_from_hosts(void **state)
{
	struct sc *s = *state;
	static struct hosts h;
	char err[HOSTS_ERR_MAX];
	static const char inv[] = "running-lion 38c128c0\nold-pi B8:27:EB:00:00:01\n";
	FILE *f = fmemopen((void *)inv, strlen(inv), "r");
	assert_non_null(f);
	assert_true(hosts_parse(&h, f, err));
	fclose(f);
	client_table_set_hosts(s->t, &h);
	sc_dhcp_req(s, 0, MAC_PI4, 1, 1, SC_PI4); /* serial from option 97 */
	sc_dhcp_req(s, 0, MAC_PI3A, 1, PI3_X, SC_KERNEL);
	assert_string_equal(sc_client(s, MAC_PI4)->name, "running-lion");
	assert_string_equal(sc_client(s, MAC_PI3A)->name, "old-pi");
}

static char *sc_report(struct sc *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	summary_print(out, s->t, &s->o);
	fclose(out);
	/* A copy: gcc -O2 takes pointers into the memstream's buffer for pointers to `buf`
	 * itself (a -Wdangling-pointer false positive). */
	char *copy = strdup(buf);
	free(buf);
	return copy;
}

static void sc_mixed(struct sc *s)
{
	sc_dhcp_req(s, 0, MAC_PI3B, 1, PI3_X, SC_PI3);
	sc_pi4_dora(s, 0.1, CLI);
	sc_dhcp_req(s, 0.2, MAC_PI3A, 1, PI3_X, SC_PI3);
	sc_dhcp_rep(s, 0.3, MAC_PI3A, 2, PI3_X, IP4(10, 99, 0, 10), SRV, "10.99.0.1", true);
	sc_file(s, 1, IP4(10, 99, 0, 10), "bootcode.bin", 5000);
	sc_pi4_files(s, 1.2, CLI, "38c128c0/");
	sc_rrq(s, 2, IP4(10, 99, 0, 10), "01000001/start.elf");
	sc_err(s, 2.001, IP4(10, 99, 0, 10), "01000001/start.elf", 1, "File not found", false,
	       false);
	sc_idle(s, 90);
}

/* Same events, same report, byte for byte; and the report says what the rules said. */
static void test_report_deterministic(void **state)
{
	struct sc *s = *state;
	struct sc *s2 = sc_new();
	sc_mixed(s);
	sc_mixed(s2);
	char *a = sc_report(s), *b = sc_report(s2);
	assert_string_equal(a, b);
	/* One block per client, sorted by MAC: b8:27:eb:00:00:01 before ...:02 before dc:a6. */
	char *p1 = strstr(a, "client b8:27:eb:00:00:01"),
	     *p2 = strstr(a, "client b8:27:eb:00:00:02");
	char *p3 = strstr(a, "client dc:a6:32:79:26:df");
	assert_non_null(p1);
	assert_non_null(p2);
	assert_non_null(p3);
	assert_true(p1 < p2 && p2 < p3);
	assert_non_null(strstr(p1, "verdict  stalled tftp-file-not-found"));
	assert_non_null(strstr(p3, "verdict  stalled no-kernel-dhcp"));
	assert_non_null(strstr(a, "+90.000s long"));
	free(a);
	free(b);
	sc_free(s2);
}

/* A capture begun after the boot: a Pi seen first in its NFS calls is a client (started mid-boot,
 * root in use); another machine's NFS is not a boot. */
static void test_first_seen_in_nfs(void **state)
{
	struct sc *s = *state;
	static const uint8_t laptop[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
	const uint8_t *macs[2] = {MAC_PI4, laptop};
	uint32_t ips[2] = {CLI, IP4(10, 99, 0, 77)};
	for (int k = 0; k < 2; k++) {
		struct nbt_event *ev = sc_rpc(ips[k], 100003, 3, 4, false);
		ev->has_mac = true;
		memcpy(ev->src_mac, macs[k], 6);
		memcpy(ev->dst_mac, MAC_SRV, 6);
		sc_feed(s, ev, 1 + k);
		ev = sc_rpc(ips[k], 100003, 3, 4, true);
		ev->u.rpc.u.nfs3.has_status = true;
		sc_feed(s, ev, 1.001 + k);
	}
	const struct client *c = sc_client(s, MAC_PI4);
	assert_non_null(c);
	assert_true(c->netboot);
	assert_true(client_last_attempt(c)->mid_boot);
	assert_true(client_last_attempt(c)->rpc.root_in_use.frame > 0);
	assert_null(sc_client(s, laptop));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ip_binding_from_ack, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ip_binding_from_arp, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_models, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_serial_and_prefix, setup, teardown),
	    cmocka_unit_test(test_file_stages),
	    cmocka_unit_test_setup_teardown(test_stage_spans_and_timeline, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_timeline_cap, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_client_and_attempt_caps, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_netboot_signs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sorted_by_mac, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_names_from_hosts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_first_seen_in_nfs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_report_deterministic, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
