import "cdktf/lib/testing/adapters/jest";
import "../policy/jest";
