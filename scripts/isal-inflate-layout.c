/* Prints the layout of ISA-L's struct inflate_state that dev.weft.store.gzip.IsalInflate encodes.
   gcc scripts/isal-inflate-layout.c -o /tmp/layout && /tmp/layout   (needs libisal-dev) */
#include <stdio.h>
#include <stddef.h>
#include <isa-l/igzip_lib.h>
int main(){
 printf("sizeof=%zu align=%zu\n", sizeof(struct inflate_state), _Alignof(struct inflate_state));
#define O(f) printf(#f "=%zu\n", offsetof(struct inflate_state,f));
 O(next_out) O(avail_out) O(total_out) O(next_in) O(read_in) O(avail_in) O(read_in_length) O(block_state) O(bfinal) O(crc_flag) O(crc) O(hist_bits) O(tmp_in_size) O(tmp_out_valid) O(tmp_out_processed)
 printf("ISAL_BLOCK_FINISH=%d ISAL_DEF_MAX_HDR_SIZE=%d HIST=%d\n", ISAL_BLOCK_FINISH, ISAL_DEF_MAX_HDR_SIZE, ISAL_DEF_HIST_SIZE);
}
