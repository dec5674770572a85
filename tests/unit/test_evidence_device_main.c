/* `altroot device` for the integration tests until tools/altroot/main.c registers cmd_device:
 * the same function, the same argument vector ("device", "cert", ...). */
#include <string.h>

#include "../../tools/altroot/cmd_device.h"

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "device") != 0)
        return 2;
    return cmd_device(argc - 1, argv + 1);
}
