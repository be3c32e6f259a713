// SPDX-License-Identifier: MIT
/*
 * rumkv: Linux driver for a cell of the RumKV hypervisor (first slice).
 *
 * Binds to the cell's /hypervisor node (compatible "rumkv,hypervisor",
 * written by rumkv-partition) and offers
 *   /sys/kernel/rumkv/version   the ABI version (RUMKV_HC_VERSION)
 *   /sys/kernel/rumkv/status    every cell's state, rights and restarts,
 *                               a consistent snapshot of the status page
 *   /sys/kernel/rumkv/rights    the rights this cell holds now
 *   /sys/kernel/rumkv/pledge    write a rights set (hex) to keep: a hard
 *                               pledge (RUMKV_HC_PLEDGE). It does not yet
 *                               unbind the drivers of devices it drops:
 *                               pledge only rights no bound driver needs
 *   /dev/rumkv-<channel-name>   one misc device per channel of the cell
 *                               (/hypervisor/channels): mmap maps the
 *                               region; read blocks until the doorbell
 *                               count differs from what this file last
 *                               returned (0 for a new file) and returns
 *                               it (8 bytes); poll waits for that; write
 *                               rings the peer
 *
 * Every call is register-only (SMCCC 1.1 HVC, owner 6).
 */
#include <linux/arm-smccc.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/kobject.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/of_irq.h>
#include <linux/platform_device.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <rumkv/abi.h>

struct rumkv_chan {
	struct miscdevice misc;
	char devname[32];
	u32 id;
	u64 ipa;
	u64 size;
	bool writable;
	int irq;
	atomic64_t rings; /* doorbells received */
	wait_queue_head_t wait;
};

struct rumkv_file {
	struct rumkv_chan *ch;
	u64 seen; /* doorbell count this reader has returned */
};

static const struct rumkv_status_page *status;
static struct kobject *rumkv_kobj;
static struct rumkv_chan *chans;
static unsigned int chan_count;

static struct arm_smccc_res rumkv_hvc(u32 fn, u64 a1)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(RUMKV_SMCCC_ID(fn), a1, &res);
	return res;
}

/* ---- sysfs ------------------------------------------------------------- */

static ssize_t version_show(struct kobject *k, struct kobj_attribute *a,
			    char *buf)
{
	unsigned long v = rumkv_hvc(RUMKV_HC_VERSION, 0).a0;

	return sysfs_emit(buf, "%lu.%lu\n", v >> 16, v & 0xffff);
}

static ssize_t status_show(struct kobject *k, struct kobj_attribute *a,
			   char *buf)
{
	struct rumkv_status_cell *cell;
	u32 n;
	u64 seq;
	int tries;
	ssize_t len = 0;

	if (!status)
		return -ENODEV;
	cell = kmalloc_array(RUMKV_STATUS_MAX_CELLS, sizeof(*cell), GFP_KERNEL);
	if (!cell)
		return -ENOMEM;
	for (tries = 0; tries < 1000; tries++) {
		seq = READ_ONCE(status->sequence);
		smp_rmb();
		n = min_t(u32, READ_ONCE(status->cell_count),
			  RUMKV_STATUS_MAX_CELLS);
		memcpy(cell, status->cell, n * sizeof(cell[0]));
		smp_rmb();
		if (!(seq & 1) && READ_ONCE(status->sequence) == seq)
			break;
	}
	if (tries == 1000) {
		kfree(cell);
		return -EBUSY;
	}
	for (u32 i = 0; i < n; i++) {
		cell[i].name[RUMKV_CELL_NAME_MAX - 1] = '\0';
		len += sysfs_emit_at(buf, len,
				     "%s state %u reason %u restarts %u "
				     "rights 0x%llx initial 0x%llx\n",
				     cell[i].name, cell[i].state,
				     cell[i].reason, cell[i].restart_count,
				     cell[i].rights, cell[i].initial_rights);
	}
	kfree(cell);
	return len;
}

static u32 self_index(void)
{
	return (u32)rumkv_hvc(RUMKV_HC_CORE_INFO, 0).a1;
}

static ssize_t rights_show(struct kobject *k, struct kobj_attribute *a,
			   char *buf)
{
	u32 self = self_index();

	if (!status || self >= RUMKV_STATUS_MAX_CELLS)
		return -ENODEV;
	return sysfs_emit(buf, "0x%llx\n",
			  READ_ONCE(status->cell[self].rights));
}

static ssize_t pledge_store(struct kobject *k, struct kobj_attribute *a,
			    const char *buf, size_t count)
{
	u64 keep;
	int err = kstrtou64(buf, 0, &keep);

	if (err)
		return err;
	/* Asking for a right back ends the whole cell: refuse it here. */
	if (status && self_index() < RUMKV_STATUS_MAX_CELLS &&
	    (keep & ~READ_ONCE(status->cell[self_index()].rights)) != 0)
		return -EPERM;
	if ((long)rumkv_hvc(RUMKV_HC_PLEDGE, keep).a0 != 0)
		return -EIO;
	return count;
}

static struct kobj_attribute attr_version = __ATTR_RO(version);
static struct kobj_attribute attr_status = __ATTR_RO(status);
static struct kobj_attribute attr_rights = __ATTR_RO(rights);
static struct kobj_attribute attr_pledge = __ATTR_WO(pledge);

static struct attribute *rumkv_attrs[] = {
	&attr_version.attr,
	&attr_status.attr,
	&attr_rights.attr,
	&attr_pledge.attr,
	NULL,
};

static const struct attribute_group rumkv_group = {
	.attrs = rumkv_attrs,
};

/* ---- channels ---------------------------------------------------------- */

static irqreturn_t chan_irq(int irq, void *data)
{
	struct rumkv_chan *ch = data;

	atomic64_inc(&ch->rings);
	wake_up_interruptible(&ch->wait);
	return IRQ_HANDLED;
}

static struct rumkv_chan *chan_of(struct file *f)
{
	return container_of(f->private_data, struct rumkv_chan, misc);
}

static int chan_open(struct inode *inode, struct file *f)
{
	struct rumkv_chan *ch = chan_of(f);
	struct rumkv_file *rf = kzalloc(sizeof(*rf), GFP_KERNEL);

	if (!rf)
		return -ENOMEM;
	rf->ch = ch;
	rf->seen = 0; /* a new file returns the doorbells so far, once */
	f->private_data = rf;
	return 0;
}

static int chan_release(struct inode *inode, struct file *f)
{
	kfree(f->private_data);
	return 0;
}

static ssize_t chan_read(struct file *f, char __user *ubuf, size_t len,
			 loff_t *off)
{
	struct rumkv_file *rf = f->private_data;
	struct rumkv_chan *ch = rf->ch;
	u64 now;
	int err;

	if (len < sizeof(now))
		return -EINVAL;
	if (atomic64_read(&ch->rings) == rf->seen && (f->f_flags & O_NONBLOCK))
		return -EAGAIN;
	err = wait_event_interruptible(ch->wait,
				       atomic64_read(&ch->rings) != rf->seen);
	if (err)
		return err;
	now = atomic64_read(&ch->rings);
	rf->seen = now;
	if (copy_to_user(ubuf, &now, sizeof(now)))
		return -EFAULT;
	return sizeof(now);
}

static ssize_t chan_write(struct file *f, const char __user *ubuf, size_t len,
			  loff_t *off)
{
	struct rumkv_file *rf = f->private_data;
	long st = (long)rumkv_hvc(RUMKV_HC_DOORBELL, rf->ch->id).a0;

	if (st == RUMKV_RET_DENIED)
		return -ECONNREFUSED; /* the peer has ended or pledged */
	if (st != 0)
		return -EIO;
	return len;
}

static __poll_t chan_poll(struct file *f, poll_table *pt)
{
	struct rumkv_file *rf = f->private_data;

	poll_wait(f, &rf->ch->wait, pt);
	return atomic64_read(&rf->ch->rings) != rf->seen ? EPOLLIN | EPOLLRDNORM
							 : 0;
}

static int chan_mmap(struct file *f, struct vm_area_struct *vma)
{
	struct rumkv_chan *ch = ((struct rumkv_file *)f->private_data)->ch;
	unsigned long size = vma->vm_end - vma->vm_start;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;

	if (off >= ch->size || size > ch->size - off)
		return -EINVAL;
	if (!ch->writable && (vma->vm_flags & VM_WRITE))
		return -EACCES;
	if (!ch->writable)
		vma->vm_flags &= ~VM_MAYWRITE;
	vma->vm_flags &= ~VM_MAYEXEC;
	return remap_pfn_range(vma, vma->vm_start,
			       (ch->ipa + off) >> PAGE_SHIFT, size,
			       vma->vm_page_prot);
}

static const struct file_operations chan_fops = {
	.owner = THIS_MODULE,
	.open = chan_open,
	.release = chan_release,
	.read = chan_read,
	.write = chan_write,
	.poll = chan_poll,
	.mmap = chan_mmap,
	.llseek = noop_llseek,
};

static int chan_probe(struct device *dev, struct device_node *np,
		      struct rumkv_chan *ch)
{
	const char *access = "r";
	int err;

	if (of_property_read_u32(np, "rumkv,channel-id", &ch->id) ||
	    of_property_read_u64(np, "rumkv,guest-address", &ch->ipa) ||
	    of_property_read_u64(np, "rumkv,size", &ch->size))
		return -EINVAL;
	of_property_read_string(np, "rumkv,access", &access);
	ch->writable = strcmp(access, "rw") == 0;
	atomic64_set(&ch->rings, 0);
	init_waitqueue_head(&ch->wait);
	ch->irq = irq_of_parse_and_map(np, 0);
	if (ch->irq <= 0)
		return -EINVAL;
	err = devm_request_irq(dev, ch->irq, chan_irq, 0, np->name, ch);
	if (err)
		return err;
	snprintf(ch->devname, sizeof(ch->devname), "rumkv-%s", np->name);
	ch->misc.minor = MISC_DYNAMIC_MINOR;
	ch->misc.name = ch->devname;
	ch->misc.fops = &chan_fops;
	return misc_register(&ch->misc);
}

/* ---- the /hypervisor node ---------------------------------------------- */

static int rumkv_probe(struct platform_device *pdev)
{
	struct device_node *sp;
	struct device_node *cn;
	struct device_node *np;
	struct resource res;
	int err;

	sp = of_find_compatible_node(NULL, NULL, "rumkv,status-page");
	if (sp && of_address_to_resource(sp, 0, &res) == 0)
		status = memremap(res.start, PAGE_SIZE, MEMREMAP_WB);
	of_node_put(sp);
	rumkv_kobj = kobject_create_and_add("rumkv", kernel_kobj);
	if (!rumkv_kobj)
		return -ENOMEM;
	err = sysfs_create_group(rumkv_kobj, &rumkv_group);
	if (err)
		return err;
	cn = of_get_child_by_name(pdev->dev.of_node, "channels");
	if (!cn)
		return 0;
	chan_count = of_get_child_count(cn);
	chans = devm_kcalloc(&pdev->dev, chan_count, sizeof(*chans),
			     GFP_KERNEL);
	if (!chans) {
		of_node_put(cn);
		return -ENOMEM;
	}
	chan_count = 0;
	for_each_child_of_node(cn, np)
	{
		err = chan_probe(&pdev->dev, np, &chans[chan_count]);
		if (err) {
			dev_warn(&pdev->dev, "channel %pOFn: %d\n", np, err);
			continue;
		}
		dev_info(&pdev->dev,
			 "channel %s: id %u, %llu bytes at 0x%llx\n",
			 chans[chan_count].devname, chans[chan_count].id,
			 chans[chan_count].size, chans[chan_count].ipa);
		chan_count++;
	}
	of_node_put(cn);
	return 0;
}

static int rumkv_remove(struct platform_device *pdev)
{
	for (unsigned int i = 0; i < chan_count; i++)
		misc_deregister(&chans[i].misc);
	if (rumkv_kobj) {
		sysfs_remove_group(rumkv_kobj, &rumkv_group);
		kobject_put(rumkv_kobj);
	}
	if (status)
		memunmap((void *)status);
	return 0;
}

static const struct of_device_id rumkv_of_match[] = {
	{.compatible = "rumkv,hypervisor"},
	{},
};
MODULE_DEVICE_TABLE(of, rumkv_of_match);

static struct platform_driver rumkv_driver = {
	.probe = rumkv_probe,
	.remove = rumkv_remove,
	.driver =
		{
			.name = "rumkv",
			.of_match_table = rumkv_of_match,
		},
};
module_platform_driver(rumkv_driver);

MODULE_DESCRIPTION("RumKV cell driver: status, pledges, channels");
MODULE_LICENSE("Dual MIT/GPL");
