#ifndef ROUTE_H
#define ROUTE_H
#endif
