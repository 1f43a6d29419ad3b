#include "CDroverSpawn.h"
int drover_placeholder(void){return 0;}
